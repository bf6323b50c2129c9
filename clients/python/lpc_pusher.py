"""The process protocol's client for Python pushers (docs/adapter-protocol.md). Standard library only.

A pusher implementation gives ``run_pusher_process`` its identity, capabilities and a ``create`` function;
the library speaks JSON Lines on stdin/stdout, answers every request exactly once, keeps answering pings
while an operation hangs (each request runs on its own thread), reports what it cannot understand, and turns
the implementation's exceptions into ``result {ok: false}`` (an operation that raises) or ``fatal`` + exit 70
(an uncaught error on any thread).

stdout belongs to the protocol: the library replaces ``sys.stdout`` with ``sys.stderr`` for the
implementation's own ``print`` calls.
"""

import json
import os
import sys
import threading
import traceback

PROTOCOL_VERSION = 1
EXIT_FATAL = 70
EXIT_UNSUPPORTED = 127
MAX_LINE_BYTES = 1024 * 1024
OPERATIONS = ("start", "stop", "pause", "resume", "switchCamera", "snapshot")

__all__ = [
    "PROTOCOL_VERSION",
    "EXIT_FATAL",
    "EXIT_UNSUPPORTED",
    "PusherHost",
    "PusherInstance",
    "run_pusher_process",
]


class PusherHost:
    """What the pusher tells the harness, from any thread, any time after ``create``."""

    def __init__(self, send):
        self._send = send

    def statechange(self, code, message):
        self._send({"type": "statechange", "code": int(code), "message": str(message)})

    def netstatus(self, **status):
        self._send(dict(status, type="netstatus"))

    def log(self, level, message):
        self._send({"type": "log", "level": level, "message": str(message)})

    def device(self, kind, data):
        self._send({"type": "device", "kind": kind, "data": data})


class PusherInstance:
    """One created pusher. Override what the pusher supports; the rest answers "<op>:fail unsupported".

    Operation methods return a dict ``{"ok": bool, "errMsg": str, ...extra}`` (errMsg defaults to
    "<op>:ok" / "<op>:fail").
    """

    start = None
    stop = None
    pause = None
    resume = None
    switchCamera = None  # noqa: N815 (the protocol's operation name)
    snapshot = None

    def set_attributes(self, patch):
        pass

    def app(self, state):
        pass

    def device_fault(self, fault):
        return False

    def dispose(self):
        pass


def run_pusher_process(identity, capabilities, create, stdin=None, stdout=None, exit=None, dispose_timeout=1.0):
    """Serve the protocol until ``dispose`` or the end of stdin, then exit.

    ``create(params, host)`` returns a PusherInstance; ``params`` holds attributes, profile, viewSize,
    devices and app as sent by the harness.
    """
    stdin = stdin if stdin is not None else sys.stdin.buffer
    out = stdout if stdout is not None else sys.stdout.buffer
    do_exit = exit if exit is not None else os._exit
    if stdout is None:
        # The implementation's print() must not corrupt the protocol.
        sys.stdout = sys.stderr
    lock = threading.Lock()
    state = {"instance": None, "creating": False, "exiting": False, "disposing": False}

    def send(message):
        try:
            line = json.dumps(message, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as e:
            line = json.dumps({"type": "log", "level": "error", "message": "unserialisable message: %s" % e})
        with lock:
            if state["exiting"]:
                return
            out.write(line.encode("utf-8") + b"\n")
            out.flush()

    def finish(code):
        with lock:
            if state["exiting"]:
                return
            state["exiting"] = True
            try:
                out.flush()
            except Exception:  # noqa: BLE001 (the pipe may be gone)
                pass
        do_exit(code)

    def fatal(message, stack=""):
        send({"type": "fatal", "message": str(message), "stack": stack})
        finish(EXIT_FATAL)

    def thread_hook(args):
        stack = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        fatal("%s: %s" % (args.exc_type.__name__, args.exc_value), stack)

    if stdout is None:
        threading.excepthook = thread_hook
        sys.excepthook = lambda t, v, tb: fatal("%s: %s" % (t.__name__, v), "".join(traceback.format_exception(t, v, tb)))

    host = PusherHost(send)

    def result(msg_id, ok, err_msg, extra=None):
        if isinstance(msg_id, int) and not isinstance(msg_id, bool):
            message = dict(extra or {})
            message.update({"type": "result", "id": msg_id, "ok": bool(ok), "errMsg": err_msg})
            send(message)

    def dispose(msg_id=None):
        with lock:
            if state["disposing"]:
                return
            state["disposing"] = True
        instance, state["instance"] = state["instance"], None
        if instance is not None:
            worker = threading.Thread(target=_quietly, args=(instance.dispose, host), daemon=True)
            worker.start()
            worker.join(dispose_timeout)
        result(msg_id, True, "dispose:ok")
        finish(0)

    def operation(op, msg_id):
        instance = state["instance"]
        if instance is None:
            return result(msg_id, False, "%s:fail not created" % op)
        handler = getattr(instance, op, None)
        if handler is None:
            return result(msg_id, False, "%s:fail unsupported" % op, {"unsupported": True})
        try:
            outcome = handler() or {"ok": False}
            ok = outcome.get("ok") is True
            extra = {k: v for k, v in outcome.items() if k not in ("ok", "errMsg")}
            err = outcome.get("errMsg") or ("%s:ok" % op if ok else "%s:fail" % op)
            result(msg_id, ok, str(err), extra)
        except Exception as e:  # noqa: BLE001 (the implementation's exception is evidence, not ours)
            host.log("error", "%s raised: %s" % (op, e))
            result(msg_id, False, "%s:fail %s" % (op, e))

    def handle(m):
        msg_id = m.get("id")
        kind = m.get("type")
        if kind == "hello":
            send(
                {
                    "type": "ready",
                    "id": msg_id,
                    "protocolVersion": PROTOCOL_VERSION,
                    "identity": identity,
                    "capabilities": list(capabilities),
                }
            )
        elif kind == "ping":
            send({"type": "pong", "id": msg_id})
        elif kind == "create":
            if state["instance"] is not None or state["creating"]:
                return result(msg_id, False, "create:fail already created")
            state["creating"] = True
            try:
                params = {
                    "attributes": m.get("attributes") or {},
                    "profile": m.get("profile"),
                    "viewSize": m.get("viewSize") or {"width": 360, "height": 640},
                    "devices": m.get("devices"),
                    "app": "background" if m.get("app") == "background" else "foreground",
                }
                state["instance"] = create(params, host)
                result(msg_id, True, "create:ok")
            except Exception as e:  # noqa: BLE001
                result(msg_id, False, "create:fail %s" % e)
            finally:
                state["creating"] = False
        elif kind == "setAttributes":
            try:
                if state["instance"] is not None:
                    state["instance"].set_attributes(m.get("attributes") or {})
                result(msg_id, True, "setAttributes:ok")
            except Exception as e:  # noqa: BLE001
                result(msg_id, False, "setAttributes:fail %s" % e)
        elif kind == "app":
            if state["instance"] is not None:
                _quietly(lambda: state["instance"].app(m.get("state")), host)
        elif kind == "deviceFault":
            try:
                applied = bool(state["instance"] is not None and state["instance"].device_fault(m))
                result(msg_id, applied, "deviceFault:ok" if applied else "deviceFault:fail not applied")
            except Exception as e:  # noqa: BLE001
                result(msg_id, False, "deviceFault:fail %s" % e)
        elif kind == "dispose":
            dispose(msg_id)
        elif kind in OPERATIONS:
            operation(kind, msg_id)
        else:
            send({"type": "protocolError", "reason": "unknown-type", "detail": "unknown message type %s" % json.dumps(kind)})
            result(msg_id, False, "%s:fail unknown message type" % kind)

    def on_line(raw):
        text = raw.decode("utf-8", errors="replace").rstrip("\r")
        if text.strip() == "":
            return
        try:
            m = json.loads(text)
        except ValueError:
            send({"type": "protocolError", "reason": "bad-json", "detail": text[:200]})
            return
        if not isinstance(m, dict) or not isinstance(m.get("type"), str):
            send({"type": "protocolError", "reason": "bad-message", "detail": "not a message object: " + text[:200]})
            return
        # Each message on its own thread: a hanging operation never blocks pings or other requests.
        threading.Thread(target=handle, args=(m,), daemon=True).start()

    while True:
        line = stdin.readline(MAX_LINE_BYTES + 1)
        if not line:
            break
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            send({"type": "protocolError", "reason": "line-too-long", "detail": line[:200].decode("utf-8", "replace")})
            while line and not line.endswith(b"\n"):
                line = stdin.readline(MAX_LINE_BYTES + 1)
            continue
        on_line(line.rstrip(b"\n"))
    # The harness is gone (or closed our stdin): end, never linger as an orphan.
    dispose()


def _quietly(fn, host):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        host.log("error", "%s" % e)
