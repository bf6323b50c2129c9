"""A pusher for the protocol's own conformance checks (docs/adapter-protocol.md, "Conformance").

It pushes nothing; ``start()`` behaves as the last path segment of its ``url`` says: ``ok`` (answers ok after
a 1001 statechange), ``throw``/``reject`` (the handler raises), ``hang`` (never returns), ``freeze`` (stops
answering anything), ``fatal`` (an uncaught error on another thread: the library reports ``fatal`` and exits
70), ``exit`` (exits with status 3 mid-operation), ``garbage`` (writes non-protocol lines, then answers ok).
Run: ``python3 clients/python/conformance_pusher.py``.
"""

import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lpc_pusher import PusherInstance, run_pusher_process  # noqa: E402


class ConformancePusher(PusherInstance):
    def __init__(self, behaviour, host):
        self.behaviour = behaviour
        self.host = host

    def start(self):
        b = self.behaviour
        if b in ("throw", "reject"):
            raise RuntimeError("start exploded (conformance: %s)" % b)
        if b == "hang":
            threading.Event().wait()
        if b == "freeze":
            # Stop the whole process: nothing is answered any more (only SIGKILL ends it). The signal takes
            # effect asynchronously: never fall through to the answer below meanwhile.
            os.kill(os.getpid(), signal.SIGSTOP)
            threading.Event().wait()
        if b == "fatal":
            def boom():
                raise RuntimeError("uncaught (conformance: fatal)")

            threading.Thread(target=boom).start()
            threading.Event().wait()
        if b == "exit":
            os._exit(3)
        if b == "garbage":
            raw = sys.__stdout__.buffer
            raw.write(b'this is not JSON\n{"json": "but no type"}\n[1, 2, 3]\n{"type": "frobnicate"}\n')
            raw.flush()
            return {"ok": True}
        self.host.statechange(1001, "Connected to the server (conformance: ok)")
        return {"ok": True}

    def stop(self):
        return {"ok": True}


def create(params, host):
    url = str((params.get("attributes") or {}).get("url") or "")
    return ConformancePusher(url.rsplit("/", 1)[-1] or "ok", host)


if __name__ == "__main__":
    run_pusher_process({"name": "lpc-conformance-pusher (python)", "version": "1.0.0"}, ["events"], create)
