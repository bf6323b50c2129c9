import t from 'tap';
import { createRng, Scheduler } from '../../../harness/sim/index.js';
import { expectError } from '../../helpers/expect-error.js';

t.test('runs callbacks in time order, then insertion order', async (t) => {
  const s = new Scheduler();
  const seen: string[] = [];
  s.at(20, () => seen.push('b'));
  s.at(10, () => seen.push('a1'));
  s.at(10, () => seen.push('a2'));
  s.at(30, () => seen.push('c'));
  s.runUntil(25);
  t.same(seen, ['a1', 'a2', 'b']);
  t.equal(s.now, 25);
  s.runFor(10);
  t.same(seen, ['a1', 'a2', 'b', 'c']);
  t.equal(s.now, 35);
});

t.test('10,000 random timers and deliveries keep a total order', async (t) => {
  const s = new Scheduler();
  const rng = createRng(7);
  const fired: { at: number; seq: number; now: number }[] = [];
  let seq = 0;
  const add = (at: number) => {
    const mySeq = seq++;
    s.at(at, () => {
      fired.push({ at, seq: mySeq, now: s.now });
      // a third of the callbacks schedule a follow-up, as I/O deliveries do
      if (mySeq % 3 === 0 && seq < 10_000) add(s.now + rng.int(0, 500));
    });
  };
  for (let i = 0; i < 4000; i++) add(rng.int(0, 100_000));
  while (seq < 10_000) add(rng.int(s.now, s.now + 100_000));
  s.runUntilIdle();
  t.equal(fired.length, 10_000);
  for (let i = 1; i < fired.length; i++) {
    const a = fired[i - 1];
    const b = fired[i];
    if (b.at < a.at || (b.at === a.at && b.seq < a.seq)) {
      t.fail(`order broken at ${i}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
      return;
    }
  }
  t.ok(
    fired.every((f) => f.now === f.at),
    'each callback runs at its own time',
  );
});

t.test('cancelled events never run; every() repeats until cancelled', async (t) => {
  const s = new Scheduler();
  let ran = 0;
  const ev = s.at(5, () => ran++);
  s.cancel(ev);
  const ticks: number[] = [];
  const h = s.every(1000, () => ticks.push(s.now));
  s.runUntil(3500);
  h.cancel();
  s.runUntil(10_000);
  t.equal(ran, 0);
  t.same(ticks, [1000, 2000, 3000]);
  t.equal(s.pending, 0);
});

t.test('zero delay is later, never synchronous', async (t) => {
  const s = new Scheduler();
  const seen: string[] = [];
  s.at(0, () => {
    s.after(0, () => seen.push('inner'));
    seen.push('outer');
  });
  s.runUntil(0);
  t.same(seen, ['outer', 'inner']);
});

t.test('bad times are refused with the value in the message', async (t) => {
  const s = new Scheduler();
  s.runUntil(100);
  const cases: [string, () => unknown, string, RegExp][] = [
    ['negative delay', () => s.after(-1, () => {}), 'INVALID_TIME', /-1/],
    ['NaN time', () => s.at(Number.NaN, () => {}), 'INVALID_TIME', /NaN/],
    ['infinite run', () => s.runUntil(Number.POSITIVE_INFINITY), 'INVALID_TIME', /Infinity/],
    ['fractional µs', () => s.at(100.5, () => {}), 'INVALID_TIME', /100\.5/],
    ['in the past', () => s.at(50, () => {}), 'TIME_IN_PAST', /50 µs: now is 100/],
    ['clock backwards', () => s.runUntil(99), 'TIME_IN_PAST', /backwards to 99/],
    ['zero interval', () => s.every(0, () => {}), 'INVALID_ARGUMENT', /interval/],
  ];
  for (const [name, fn, code, re] of cases) {
    expectError(t, fn, { code, message: re }, name);
  }
});

t.test('a runaway zero-delay loop is reported with its label instead of hanging', async (t) => {
  const s = new Scheduler({ maxEventsPerInstant: 5000 });
  const spin = () => {
    s.after(0, spin, 'spinner');
  };
  s.after(10, spin, 'spinner');
  expectError(t, () => s.runUntil(1000), { code: 'RUNAWAY', message: /spinner/ });
});

t.test('runUntilIdle reports an endless interval by name', async (t) => {
  const s = new Scheduler({ maxEventsUntilIdle: 20_000 });
  s.every(1000, () => {}, 'heartbeat');
  expectError(t, () => s.runUntilIdle(), { code: 'RUNAWAY', message: /heartbeat/ });
});
