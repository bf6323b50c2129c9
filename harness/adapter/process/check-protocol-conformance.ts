/**
 * The process protocol's own conformance checks (docs/adapter-protocol.md, "Conformance"), run against a
 * client library through its conformance pusher (clients/node/conformance-pusher.ts,
 * clients/python/conformance_pusher.py): a pusher whose `start()` behaves as the url's last path
 * segment says. Five checks, each with the evidence that decided it:
 *
 * - `hello`: `ready` answers `hello` with version 1, an identity and known capabilities (no 'sim-time');
 * - `bad-json`: a line that is not JSON gets `protocolError {reason: 'bad-json'}`, and pings still get pongs;
 * - `unknown-message`: an unknown type with an id gets `protocolError {reason: 'unknown-type'}` and
 *   `result {id, ok: false}`, and pings still get pongs;
 * - `crash`: an operation handler that throws gets `result {ok: false, errMsg: "start:fail …"}` and the
 *   process lives on; an uncaught error ends it with `fatal` and exit status 70;
 * - `hang`: while an operation hangs, pings still get pongs; closing stdin ends the process (no orphans).
 */
import type { PusherClock } from '../types.js';
import { resolveProcessPusherOptions } from './create-process-pusher-factory.js';
import { type RawMessage, RawSession } from './internal/raw-session.js';
import type { ProcessPusherOptions } from './process-pusher-options.js';
import { EXIT_FATAL, PROCESS_CAPABILITIES, PROTOCOL_VERSION } from './protocol.js';

export type ProtocolCheckId = 'hello' | 'bad-json' | 'unknown-message' | 'crash' | 'hang';

export interface ProtocolCheckResult {
  check: ProtocolCheckId;
  ok: boolean;
  /** What was expected and what happened. */
  detail: string;
}

export interface ProtocolConformanceOptions {
  /** How to start the conformance pusher. */
  pusher: ProcessPusherOptions;
  /** Real time (the checks wait for a process). */
  clock: PusherClock;
  /** Spawn → ready, ms. Default 20000. */
  readyMs?: number;
  /** Every other answer, ms. Default 3000. */
  answerMs?: number;
}

const PROFILE = {
  reconnectAttempts: 3,
  reconnectIntervalMs: 3000,
  waitingImageKeepAliveMs: 180000,
  waitingImageFps: 5,
};

/** Run the five checks (three short-lived processes). Never throws for what the pusher does. */
export async function checkProtocolConformance(
  options: ProtocolConformanceOptions,
): Promise<ProtocolCheckResult[]> {
  const resolved = resolveProcessPusherOptions(options.pusher);
  const readyMs = options.readyMs ?? 20_000;
  const answerMs = options.answerMs ?? 3000;
  const results: ProtocolCheckResult[] = [];
  let nextId = 1;
  const start = async (behaviour: string): Promise<{ s: RawSession; ready: RawMessage | undefined }> => {
    const s = new RawSession(resolved, options.clock);
    const helloId = nextId++;
    s.send({
      type: 'hello',
      id: helloId,
      protocolVersion: PROTOCOL_VERSION,
      capabilitiesAsked: [...PROCESS_CAPABILITIES],
      harness: { name: 'live-pusher-conformance', version: '0.1.0' },
    });
    const ready = await s.waitFor((m) => m.type === 'ready' && m.id === helloId, readyMs);
    if (ready) {
      const id = nextId++;
      s.send({
        type: 'create',
        id,
        attributes: { url: `rtmp://conformance.lpc.test/live/${behaviour}` },
        profile: PROFILE,
        viewSize: { width: 360, height: 640 },
        app: 'foreground',
      });
      await s.waitFor((m) => m.type === 'result' && m.id === id, answerMs);
    }
    return { s, ready };
  };
  const pings = async (s: RawSession): Promise<string | undefined> => {
    const id = nextId++;
    s.send({ type: 'ping', id });
    const pong = await s.waitFor((m) => m.type === 'pong' && m.id === id, answerMs);
    return pong
      ? undefined
      : `ping ${id} got no pong within ${answerMs} ms${s.exitStatus ? ` (the process exited: ${JSON.stringify(s.exitStatus)})` : ''}`;
  };

  // ---- process 1: hello, bad JSON, unknown message, an operation that throws ---------------------------
  const crashDetail: string[] = [];
  let crashOk = false;
  const first = await start('throw');
  try {
    results.push(checkHello(first.ready, readyMs, first.s));
    if (!first.ready) {
      for (const check of ['bad-json', 'unknown-message'] as const)
        results.push({ check, ok: false, detail: 'not checked: the pusher never answered hello' });
    } else {
      let from = first.s.messages.length;
      first.s.writeRaw('{this is not json\n');
      const badJson = await first.s.waitFor(
        (m) => m.type === 'protocolError' && m.reason === 'bad-json',
        answerMs,
        from,
      );
      const afterBadJson = await pings(first.s);
      results.push({
        check: 'bad-json',
        ok: badJson !== undefined && afterBadJson === undefined,
        detail: [
          badJson
            ? 'protocolError bad-json received'
            : `no protocolError {reason: 'bad-json'} within ${answerMs} ms`,
          afterBadJson ?? 'pings answered afterwards',
        ].join('; '),
      });
      from = first.s.messages.length;
      const unknownId = nextId++;
      first.s.send({ type: 'frobnicate', id: unknownId });
      const [err, res] = await Promise.all([
        first.s.waitFor((m) => m.type === 'protocolError' && m.reason === 'unknown-type', answerMs, from),
        first.s.waitFor((m) => m.type === 'result' && m.id === unknownId, answerMs, from),
      ]);
      const afterUnknown = await pings(first.s);
      results.push({
        check: 'unknown-message',
        ok: err !== undefined && res?.ok === false && afterUnknown === undefined,
        detail: [
          err
            ? 'protocolError unknown-type received'
            : `no protocolError {reason: 'unknown-type'} within ${answerMs} ms`,
          res
            ? `result ok=${String(res.ok)} errMsg=${JSON.stringify(res.errMsg)}`
            : `no result for id ${unknownId}`,
          afterUnknown ?? 'pings answered afterwards',
        ].join('; '),
      });
    }
    if (first.ready) {
      const id = nextId++;
      first.s.send({ type: 'start', id });
      const res = await first.s.waitFor((m) => m.type === 'result' && m.id === id, answerMs);
      crashOk = res?.ok === false && String(res.errMsg ?? '').startsWith('start:fail');
      crashDetail.push(
        res
          ? `a throwing start() answered ok=${String(res.ok)} errMsg=${JSON.stringify(res.errMsg)}`
          : `a throwing start() got no result within ${answerMs} ms`,
      );
      const alive = await pings(first.s);
      crashOk &&= alive === undefined;
      crashDetail.push(alive ?? 'the process lives on');
    } else {
      crashDetail.push('not checked: the pusher never answered hello');
    }
  } finally {
    await first.s.kill();
  }
  // ---- process 2: an uncaught error -----------------------------------------------------------------------
  const fatal = await start('fatal');
  try {
    const id = nextId++;
    fatal.s.send({ type: 'start', id });
    const exit = await fatal.s.waitForExit(answerMs);
    const last = fatal.s.messages.find((m) => m.type === 'fatal');
    const ok = last !== undefined && exit?.code === EXIT_FATAL;
    crashOk &&= ok;
    crashDetail.push(
      `an uncaught error: ${last ? `fatal ${JSON.stringify(String(last.message ?? '').slice(0, 80))}` : 'no fatal message'}, exit ${exit ? JSON.stringify(exit) : `still running after ${answerMs} ms`} (expected code ${EXIT_FATAL})`,
    );
  } finally {
    await fatal.s.kill();
  }
  results.push({ check: 'crash', ok: crashOk, detail: crashDetail.join('; ') });

  // ---- process 3: an operation that hangs ----------------------------------------------------------------
  const hang = await start('hang');
  try {
    const id = nextId++;
    hang.s.send({ type: 'start', id });
    const early = await hang.s.waitFor((m) => m.type === 'result' && m.id === id, 500);
    const alive = await pings(hang.s);
    hang.s.closeInput();
    const exit = await hang.s.waitForExit(answerMs);
    results.push({
      check: 'hang',
      ok: hang.ready !== undefined && alive === undefined && exit !== undefined,
      detail: [
        early ? `the hanging start() answered (${JSON.stringify(early)})` : 'start() hangs',
        alive ?? 'pings answered while it hangs',
        exit
          ? `exited ${JSON.stringify(exit)} after stdin closed`
          : `still running ${answerMs} ms after stdin closed`,
      ].join('; '),
    });
  } finally {
    await hang.s.kill();
  }
  return results;
}

function checkHello(ready: RawMessage | undefined, readyMs: number, s: RawSession): ProtocolCheckResult {
  if (!ready)
    return {
      check: 'hello',
      ok: false,
      detail: `no ready within ${readyMs} ms (exit ${JSON.stringify(s.exitStatus ?? null)}, stderr ${JSON.stringify(s.stderr.slice(-300))})`,
    };
  const problems: string[] = [];
  if (ready.protocolVersion !== PROTOCOL_VERSION)
    problems.push(`protocolVersion ${JSON.stringify(ready.protocolVersion)}`);
  const identity = ready.identity as { name?: unknown; version?: unknown } | undefined;
  if (typeof identity?.name !== 'string' || typeof identity?.version !== 'string')
    problems.push('identity without name and version strings');
  const caps = ready.capabilities;
  if (!Array.isArray(caps)) problems.push('capabilities is not a list');
  else
    for (const c of caps)
      if (!(PROCESS_CAPABILITIES as readonly unknown[]).includes(c))
        problems.push(`capability ${JSON.stringify(c)} is not one a process may declare`);
  if (s.garbage.length > 0)
    problems.push(
      `${s.garbage.length} non-protocol line(s) on stdout, first ${JSON.stringify(s.garbage[0])}`,
    );
  return {
    check: 'hello',
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `ready: ${String(identity?.name)} ${String(identity?.version)}, capabilities ${JSON.stringify(caps)}`
        : problems.join('; '),
  };
}
