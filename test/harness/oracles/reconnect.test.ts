import t from 'tap';
import {
  attemptsThenStop,
  countResets,
  devicesStayOpen,
  noReconnectStorm,
  quietAfterExhaustion,
  reconnectInterval2,
  reconnectRecovers,
  singleConnection,
} from '../../../harness/oracles/reconnect.js';
import type { Check } from '../../../harness/oracles/types.js';
import type { TraceRecord } from '../../../harness/sim/trace.js';
import { ADDRESS, closeAll, HOST, Story, startedPush } from './push-story.js';
import { referenceVerdicts } from './reference-run.js';

function is(
  tt: { equal(a: unknown, b: unknown, m: string): unknown },
  check: Check,
  trace: TraceRecord[],
  status: string,
  name: string,
): void {
  const o = check.evaluate(trace);
  tt.equal(o.status, status, `${name}: ${o.summary}`);
}

interface Options {
  attempts?: number;
  intervalMs?: number;
  /** Every attempt refused, then -1307 (default true). */
  exhaust?: boolean;
  /** Network activity after -1307. */
  afterwards?: boolean;
  /** A device left open after -1307. */
  leak?: boolean;
  /** The camera is reopened during the reconnection. */
  reopenCamera?: boolean;
}

/** Attempts refused `intervalMs` apart (1102 after each failure but the last), -1307 after the last. */
function refusedPush(o: Options = {}): TraceRecord[] {
  const s = new Story().begin();
  s.op(0, 'start');
  const d = s.devices(0);
  const attempts = o.attempts ?? 4;
  let at = 70;
  for (let i = 0; i < attempts; i++) {
    s.dns(at, ADDRESS);
    const c = s.connect(at, 'refused');
    s.refused(at, c);
    s.event(at, 3002);
    if (i < attempts - 1) {
      s.event(at, 1102);
      if (o.reopenCamera && i === 0) {
        s.close(at + 100, 'camera', d.camera as number, { position: 'front' });
        s.open(at + 200, 'camera', {}, { position: 'front' });
        s.event(at + 200, 1003);
      }
    } else if (o.exhaust !== false) {
      s.event(at, -1307);
      closeAll(s, at, o.leak ? { ...d, mic: undefined } : d);
      if (o.afterwards) s.dns(at + 2000, ADDRESS);
    }
    at += o.intervalMs ?? 3000;
  }
  s.end(20_000);
  return s.build();
}

t.test('reconnect/attempts/1: 1 + N attempts, then -1307', async (t) => {
  is(t, attemptsThenStop, refusedPush(), 'pass', '4 attempts then -1307');
  is(t, attemptsThenStop, refusedPush({ attempts: 5 }), 'fail', '5 attempts');
  is(t, attemptsThenStop, refusedPush({ attempts: 3 }), 'fail', '-1307 after 3 attempts');
  is(
    t,
    attemptsThenStop,
    refusedPush({ attempts: 2, exhaust: false }),
    'indeterminate',
    'case ended after 2 attempts',
  );
  const clean = new Story().begin();
  startedPush(clean);
  is(t, attemptsThenStop, clean.build(), 'not-applicable', 'the push published');
});

t.test('reconnect/interval/1 and /2: retries at least 1 s and about I after the failure', async (t) => {
  is(t, noReconnectStorm, refusedPush(), 'pass', 'every 3 s');
  is(t, noReconnectStorm, refusedPush({ intervalMs: 200 }), 'fail', 'every 200 ms');
  is(t, reconnectInterval2, refusedPush(), 'pass', 'every 3 s');
  is(t, reconnectInterval2, refusedPush({ intervalMs: 1500 }), 'fail', 'every 1.5 s');
  const clean = new Story().begin();
  startedPush(clean);
  is(t, noReconnectStorm, clean.build(), 'not-applicable', 'no reconnection');
  is(t, reconnectInterval2, clean.build(), 'not-applicable', 'no reconnection');
});

t.test('reconnect/exhausted/1: silence and released devices after -1307', async (t) => {
  is(t, quietAfterExhaustion, refusedPush(), 'pass', 'quiet');
  is(t, quietAfterExhaustion, refusedPush({ afterwards: true }), 'fail', 'a DNS query after -1307');
  is(t, quietAfterExhaustion, refusedPush({ leak: true }), 'fail', 'the microphone left open');
  is(t, quietAfterExhaustion, refusedPush({ exhaust: false, attempts: 2 }), 'not-applicable', 'no -1307');
});

/** Publish, lose the connection, recover once, lose it again and fail `retries` reconnections. */
function resetStory(retries: number, exhaust = true): TraceRecord[] {
  const s = new Story().begin();
  s.op(0, 'start');
  const d = s.devices(0);
  const c1 = s.attempt(70);
  s.media(110, 2000);
  s.serverClose(2000, c1);
  s.event(2000, 3004);
  s.event(2000, 1102);
  const c2 = s.attempt(5000);
  s.media(5050, 8000);
  s.serverClose(8000, c2);
  s.event(8000, 3004);
  let at = 11_000;
  for (let i = 0; i < retries; i++) {
    s.event(at - 3000, 1102);
    s.dns(at, ADDRESS);
    const c = s.connect(at, 'refused');
    s.refused(at, c);
    s.event(at, 3002);
    at += 3000;
  }
  if (exhaust) {
    s.event(at - 3000, -1307);
    closeAll(s, at - 3000, d);
  }
  s.end(30_000);
  return s.build();
}

t.test('reconnect/reset/1: a 1002 on a reconnection gives N fresh attempts', async (t) => {
  is(t, countResets, resetStory(3), 'pass', '3 fresh retries before -1307');
  is(t, countResets, resetStory(1), 'fail', '-1307 after one retry');
  is(t, countResets, refusedPush(), 'not-applicable', 'never published');
});

t.test('reconnect/recovery/1: a reachable server is published to within 5 s, media within 2 s', async (t) => {
  const build = (o: { late?: boolean; noMedia?: boolean }) => {
    const s = new Story().begin();
    s.op(0, 'start');
    s.devices(0);
    const c1 = s.attempt(70);
    s.media(110, 2000);
    s.reset(2000, c1);
    s.event(2000, 3005);
    s.event(2000, 1102);
    if (o.late) {
      s.dns(5000, ADDRESS);
      const c = s.connect(5000);
      s.connected(5010, c);
      s.event(5010, 1001);
      s.handshake(5020, c);
      s.accepted(11_000, c);
      s.event(11_000, 1002);
    } else {
      s.attempt(5000);
      if (!o.noMedia) s.media(5050, 10_000);
    }
    s.end(12_000);
    return s.build();
  };
  is(t, reconnectRecovers, build({}), 'pass', 'recovered');
  is(t, reconnectRecovers, build({ late: true }), 'fail', '1002 6 s after the attempt');
  is(t, reconnectRecovers, build({ noMedia: true }), 'fail', 'no media after the 1002');
  is(t, reconnectRecovers, refusedPush(), 'not-applicable', 'the server was never reachable');
});

t.test(
  "reconnect/recovery/1: the network's own time extends the 5 s (slow DNS, long round trips)",
  async (t) => {
    /** A reconnection at 5000 ms whose DNS answer takes `dnsMs` and whose round trips take `rttMs`. */
    const build = (dnsMs: number, rttMs: number, beginAt: number) => {
      const s = new Story().begin();
      s.op(0, 'start');
      s.devices(0);
      const c1 = s.attempt(70);
      s.media(110, 2000);
      s.reset(2000, c1);
      s.event(2000, 3005);
      s.event(2000, 1102);
      s.add(5000, 'net.dns.query', { host: HOST, attempt: 2, via: 'dns' });
      s.add(5000 + dnsMs, 'net.dns.answer', { host: HOST, attempt: 2, address: ADDRESS, via: 'dns' });
      const at = 5000 + dnsMs;
      const c = s.connect(at);
      s.connected(at + rttMs, c);
      s.event(at + rttMs, 1001);
      s.add(at + rttMs, 'wire.handshake', { conn: c, event: 'c0c1', version: 3, zeroField: true });
      s.add(at + 2 * rttMs, 'wire.handshake', { conn: c, event: 's2-received', sentUp: 1537 });
      s.accepted(beginAt, c);
      s.event(beginAt, 1002);
      s.add(beginAt + 20, 'wire.firstMedia', { conn: c, type: 'video', ts: beginAt + 20 });
      s.media(beginAt + 20, 14_000);
      s.end(15_000);
      return s.build();
    };
    // 3 s of DNS and 5 round trips of 800 ms: the pusher itself took 1.2 s.
    is(
      t,
      reconnectRecovers,
      build(3000, 800, 12_200),
      'pass',
      '1002 7.2 s after the attempt, 6 s of it network',
    );
    // The same 7.2 s on a fast network is the pusher's own delay.
    is(t, reconnectRecovers, build(0, 10, 12_200), 'fail', '1002 7.2 s after the attempt on a fast network');
    is(t, reconnectRecovers, build(3000, 800, 17_300), 'fail', 'more than 5 s beyond the network time');
  },
);

t.test('reconnect/recovery/1: media judged at the pusher, not during a pause or an outage', async (t) => {
  const build = (o: { pauseAt?: number; downlinkOutage?: [number, number]; uplinkDown?: boolean }) => {
    const s = new Story().begin();
    if (o.downlinkOutage || o.uplinkDown) {
      const [from, to] = o.downlinkOutage ?? [5100, 9000];
      s.add(0, 'net.link', {
        link: o.uplinkDown ? 'uplink' : 'downlink',
        segments: [
          { atUs: 0, kbps: 10_000 },
          { atUs: from * 1000, kbps: 0 },
          { atUs: to * 1000, kbps: 10_000 },
        ],
        delayUs: 0,
        jitterUs: 0,
        queueLimitBytes: null,
        queueLimitMs: null,
      });
    }
    s.op(0, 'start');
    s.devices(0);
    const c1 = s.attempt(70);
    s.media(110, 2000);
    if (o.pauseAt !== undefined) s.op(o.pauseAt, 'pause');
    s.reset(2000, c1);
    s.event(2000, 3005);
    s.event(2000, 1102);
    const c = s.attempt(5000);
    if (o.uplinkDown) {
      // Written at once, but the link is down until 9 s: the frames arrive late.
      s.add(5060, 'wire.firstMedia', { conn: c, type: 'video', ts: 5060 });
      s.media(9000, 14_000);
    } else if (o.pauseAt === undefined) s.media(5050, 14_000);
    s.end(15_000);
    return s.build();
  };
  is(
    t,
    reconnectRecovers,
    build({ pauseAt: 1000 }),
    'indeterminate',
    'paused before the loss: no media to judge',
  );
  is(
    t,
    reconnectRecovers,
    build({ uplinkDown: true }),
    'pass',
    'media written at once, delivered after the outage',
  );
  is(
    t,
    reconnectRecovers,
    build({ downlinkOutage: [5010, 6000] }),
    'indeterminate',
    'the link went down while connecting',
  );
  is(t, reconnectRecovers, build({}), 'pass', 'no pause, no outage');
});

t.test('reconnect/single-connection/1: never two connections at a time', async (t) => {
  is(t, singleConnection, refusedPush(), 'pass', 'each refused connection closed before the next');
  const overlap = new Story().begin();
  overlap.op(0, 'start');
  overlap.devices(0);
  overlap.attempt(70);
  overlap.attempt(1000);
  overlap.end(3000);
  is(t, singleConnection, overlap.build(), 'fail', 'a second connection while the first is open');
  const one = new Story().begin();
  startedPush(one);
  is(t, singleConnection, one.build(), 'not-applicable', 'one connection');
});

t.test('reconnect/devices/1: devices stay open across a reconnection', async (t) => {
  is(t, devicesStayOpen, refusedPush(), 'pass', 'nothing reopened');
  is(t, devicesStayOpen, refusedPush({ reopenCamera: true }), 'fail', 'camera reopened while reconnecting');
  const clean = new Story().begin();
  startedPush(clean);
  is(t, devicesStayOpen, clean.build(), 'not-applicable', 'no reconnection');
});

t.test('the reference pusher passes reconnect/exhaustion-and-restart', async (t) => {
  const { problems: p0 } = await referenceVerdicts('reconnect/exhaustion-and-restart.yaml');
  t.same(p0, [], 'reconnect/exhaustion-and-restart');
});
