import t from 'tap';
import { STALLED_CLOSE_MIN_MS, stalledClose } from '../../../harness/oracles/internal/stalled-close.js';
import { TraceBuilder } from './synthetic-push.js';

t.test('a close after long back-pressure without relief is a stalled close', (t) => {
  const records = new TraceBuilder()
    .add(1000, 'net.stall', { link: 'uplink', conn: 1 })
    .add(1200, 'net.drain', { link: 'uplink', conn: 1, stalledUs: 200_000 })
    .add(5000, 'net.stall', { link: 'uplink', conn: 1 })
    .add(5000, 'net.stall', { link: 'downlink', conn: 1 })
    .build();
  const s = stalledClose(records, 25_000);
  t.same(s && { atMs: s.atMs, since: s.stalledSinceMs }, { atMs: 25_000, since: 5000 });
  t.equal(stalledClose(records, 5000 + STALLED_CLOSE_MIN_MS - 1), undefined, 'too short a stall');
  t.equal(stalledClose(records, undefined), undefined, 'not closed by the pusher');
  t.end();
});

t.test('back-pressure relieved before the close is not a stall', (t) => {
  const records = new TraceBuilder()
    .add(1000, 'net.stall', { link: 'uplink', conn: 1 })
    .add(16_000, 'net.drain', { link: 'uplink', conn: 1, stalledUs: 15_000_000 })
    .add(30_000, 'net.stall', { link: 'uplink', conn: 1 })
    .build();
  t.equal(stalledClose(records, 20_000), undefined, 'drained at 16 s');
  t.equal(stalledClose(records, 31_000), undefined, 'the next stall is 1 s old');
  t.end();
});
