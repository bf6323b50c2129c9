/**
 * The reference pusher's send queue, stall deadline and stop() on a dead link, end to end on the simulated
 * network (docs/pusher.md "Send queue"): the campaign found a 15 s outage followed by ~19 s of backlog
 * (bitrate/recover/1), a half-open connection never given up, and stop() waiting behind queued media.
 */
import t from 'tap';
import type { Capability } from '../../../harness/adapter/types.js';
import { parseCase } from '../../../harness/runner/case-schema.js';
import { loadSpec, requirementIndex, runAndJudge } from '../../../harness/runner/run-suite.js';
import type { TraceRecord } from '../../../harness/sim/index.js';
import { referencePusherFactory } from '../../../src/index.js';

const requirements = requirementIndex(loadSpec());
const CAPABILITIES: Capability[] = [
  'events',
  'netstatus',
  'attributes.live-update',
  'pause',
  'switchCamera',
  'snapshot',
  'waiting-image',
  'background',
  'bitrate-adaptation',
  'device-faults',
  'dns',
  'sim-time',
];

async function run(yaml: string) {
  const def = parseCase(yaml, 'congestion.test.ts');
  const { result, run } = await runAndJudge(def, {
    pusher: referencePusherFactory,
    capabilities: CAPABILITIES,
    seed: 1,
    requirements,
    validate: false,
  });
  const records: readonly TraceRecord[] = run?.records ?? [];
  const verdict = (id: string) => result.verdicts.find((v) => v.requirement === id);
  const events = records
    .filter((r) => r.kind === 'pusher.event')
    .map((r) => ({ ms: r.t / 1000, code: (r.data as { code: number }).code }));
  const targets = records
    .filter(
      (r) =>
        r.kind === 'device.call' &&
        (r.data as { method?: string }).method === 'setTargetBitrate' &&
        (r.data as { result?: string }).result === 'ok',
    )
    .map((r) => ({ ms: r.t / 1000, kbps: (r.data as { args: { kbps: number } }).args.kbps }));
  return { result, records, verdict, events, targets };
}

t.test('after a 15 s outage the backlog is small and the target recovers within a few seconds', async (t) => {
  const { verdict, targets, records } = await run(`
id: pusher/outage-recovery
title: 15 s outage on a 400 kbit/s link
requirements: [bitrate/recover/1, stream/timestamps/2]
durationMs: 45000
attributes: { url: "rtmp://{host}/live/{stream}", mode: RTC }
network:
  uplink: { kbps: 400, delayMs: 200, queue: { ms: 200 } }
  downlink: { kbps: 10000, delayMs: 200 }
  toxics:
    - { type: down, atMs: 10000, untilMs: 25000 }
`);
  t.equal(verdict('bitrate/recover/1')?.verdict, 'PASS', verdict('bitrate/recover/1')?.summary ?? 'missing');
  t.equal(
    verdict('stream/timestamps/2')?.verdict,
    'PASS',
    verdict('stream/timestamps/2')?.summary ?? 'missing',
  );
  // Before the send queue the link drained ~19 s of backlog first; now the target rises within 10 s.
  const raised = targets.find((x) => x.ms > 25_000 && x.kbps >= 300);
  t.ok(raised && raised.ms < 35_000, `target >= 300 kbit/s at ${raised?.ms} ms`);
  // The pusher wrote little video during the outage: what it wrote was dropped from its own queue.
  const videoWritten = records.filter(
    (r) =>
      r.kind === 'observer.tag' &&
      (r.data as { type?: string }).type === 'video' &&
      r.t / 1000 > 26_000 &&
      r.t / 1000 < 27_000,
  );
  t.ok(videoWritten.length > 0, 'video flows again within 2 s of the outage end');
});

t.test('a connection that goes silent while publishing is given up after the stall deadline', async (t) => {
  const { events, records } = await run(`
id: pusher/half-open
title: the connection goes silent 5 s after connecting
requirements: [events/network/5]
durationMs: 40000
attributes: { url: "rtmp://{host}/live/{stream}" }
network:
  uplink: { kbps: 2000, delayMs: 20, queue: { bytes: 65536, ms: 500 } }
  connections:
    - { attempt: 1, fault: half-open, afterMs: 5000 }
`);
  const lost = events.find((e) => e.code === 3005);
  t.ok(lost, '3005 after the stall');
  // Silent from ~5 s; the deadline is 20 s without a byte taken (checked every 500 ms).
  t.ok(lost && lost.ms >= 25_000 && lost.ms <= 27_000, `3005 at ${lost?.ms} ms`);
  const after = events.filter((e) => lost && e.ms >= lost.ms).map((e) => e.code);
  // node-media-server still holds the silent publisher, so the new connection's publish is refused as
  // busy (3004); what matters here is that the pusher left the dead connection and reconnected.
  t.same(after.slice(0, 3), [3005, 1102, 1001], 'then a reconnection');
  const connects = records.filter((r) => r.kind === 'net.connect');
  t.ok(connects.length >= 2 && lost && connects[1].t / 1000 > lost.ms, 'a new connection after the 3005');
});

t.test('stop() on a dead link drops unsent media, unpublishes and closes within the grace', async (t) => {
  const { records, events } = await run(`
id: pusher/stop-dead-link
title: stop() 4 s into an outage
requirements: [operations/stop/1]
durationMs: 30000
attributes: { url: "rtmp://{host}/live/{stream}" }
network:
  uplink: { kbps: 1500, delayMs: 20, queue: { ms: 500 } }
  toxics:
    - { type: down, atMs: 8000, untilMs: 28000 }
actions:
  - { atMs: 0, op: start }
  - { atMs: 12000, op: stop }
`);
  const after = (kind: string) => records.filter((r) => r.kind === kind && r.t / 1000 >= 12_000);
  const commands = after('wire.command').map((r) => (r.data as { name: string }).name);
  t.same(commands, ['FCUnpublish', 'deleteStream'], 'teardown commands written at stop()');
  t.ok(
    after('wire.command').every((r) => r.t / 1000 === 12_000),
    'written at the call, not behind queued media',
  );
  const close = after('wire.close')[0];
  t.ok(close && close.t / 1000 <= 13_050, `socket closed at ${close ? close.t / 1000 : 'never'} ms`);
  // Nothing written after the teardown commands (no media from the queue).
  const lastWrite = records.filter((r) => r.kind === 'wire.firstMedia' || r.kind === 'wire.tsRegression');
  t.equal(lastWrite.filter((r) => r.t / 1000 > 12_000).length, 0);
  t.notOk(
    events.some((e) => e.ms >= 12_000),
    'no event after stop()',
  );
});

t.test('pause() on a congested link drops the media not yet sent', async (t) => {
  const { records, verdict } = await run(`
id: pusher/pause-congested
title: pause() while seconds of media wait to be sent
requirements: [operations/pause/1]
durationMs: 8000
attributes: { url: "rtmp://{host}/live/{stream}", mode: HD, min-bitrate: 800, max-bitrate: 1200 }
network:
  uplink: { kbps: 300, delayMs: 20, queue: { ms: 300 } }
actions:
  - { atMs: 0, op: start }
  - { atMs: 3000, op: pause }
`);
  const sentAfter = records
    .filter(
      (r) => r.kind === 'net.send' && (r.data as { link?: string }).link === 'uplink' && r.t / 1000 > 3050,
    )
    .reduce((sum, r) => sum + ((r.data as { bytes?: number }).bytes ?? 0), 0);
  // At most the one message the socket already held (a keyframe at most) and the link's own queue.
  t.ok(sentAfter < 40_000, `${sentAfter} bytes entered the network after the pause`);
  t.not(verdict('operations/pause/1')?.verdict, 'FAIL', verdict('operations/pause/1')?.summary ?? '');
});
