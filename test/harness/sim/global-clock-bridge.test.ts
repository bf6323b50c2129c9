import crypto from 'node:crypto';
import t from 'tap';
import { Simulation } from '../../../harness/sim/index.js';
import { expectError } from '../../helpers/expect-error.js';

/** Written like third-party code: it only knows the globals. */
function thirdPartyModule() {
  const observations: { kind: string; at: number }[] = [];
  const started = Date.now();
  const iv = setInterval(() => observations.push({ kind: 'interval', at: Date.now() - started }), 1000);
  setTimeout(() => observations.push({ kind: 'timeout', at: Date.now() - started }), 2500);
  setImmediate(() => observations.push({ kind: 'immediate', at: Date.now() - started }));
  return { observations, stop: () => clearInterval(iv) };
}

t.test('third-party timers and Date run on virtual time', async (t) => {
  const sim = new Simulation({ seed: 1 });
  sim.installGlobals();
  try {
    const mod = thirdPartyModule();
    const seenByUs: number[] = [];
    sim.scheduler.every(1_000_000, () => seenByUs.push(sim.now), 'ours');
    await sim.runFor(600_000_000); // 10 virtual minutes
    mod.stop();
    const intervals = mod.observations.filter((o) => o.kind === 'interval');
    t.equal(intervals.length, 600, 'one interval per virtual second');
    t.same(
      intervals.slice(0, 3).map((o) => o.at),
      [1000, 2000, 3000],
    );
    t.equal(intervals[599].at, 600_000);
    t.same(
      mod.observations.find((o) => o.kind === 'timeout'),
      { kind: 'timeout', at: 2500 },
    );
    t.same(
      mod.observations.find((o) => o.kind === 'immediate'),
      { kind: 'immediate', at: 0 },
    );
    t.equal(Date.now(), sim.epochMs(), 'Date.now() is the virtual clock');
    t.equal(seenByUs.length, 600);
  } finally {
    sim.dispose();
  }
});

t.test('our timers and faked timers interleave in time order', async (t) => {
  const sim = new Simulation({ seed: 2 });
  sim.installGlobals();
  const order: string[] = [];
  try {
    setTimeout(() => order.push('fake@5ms'), 5);
    sim.scheduler.at(4_999, () => order.push('ours@4999us'));
    sim.scheduler.at(5_001, () => order.push('ours@5001us'));
    setTimeout(() => order.push('fake@3ms'), 3);
    await sim.runFor(10_000);
  } finally {
    sim.dispose();
  }
  t.same(order, ['fake@3ms', 'ours@4999us', 'fake@5ms', 'ours@5001us']);
});

t.test('crypto randomness is seeded while installed and restored after', async (t) => {
  const sample = (seed: number) => {
    const sim = new Simulation({ seed });
    sim.installGlobals();
    try {
      const a = crypto.randomBytes(16).toString('hex');
      const b = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(8))).toString('hex');
      const c = crypto.randomUUID();
      return [a, b, c];
    } finally {
      sim.dispose();
    }
  };
  t.same(sample(5), sample(5));
  t.notSame(sample(5), sample(6));
  t.notSame(crypto.randomBytes(16).toString('hex'), crypto.randomBytes(16).toString('hex'), 'real again');
  t.equal(typeof setTimeout(() => {}, 0).unref, 'function', 'real timers are back');
});

t.test('a second bridge cannot be installed at once', async (t) => {
  const a = new Simulation({ seed: 1 });
  const b = new Simulation({ seed: 2 });
  a.installGlobals();
  try {
    expectError(t, () => b.installGlobals(), { code: 'ALREADY_INSTALLED' });
  } finally {
    a.dispose();
    b.dispose();
  }
});
