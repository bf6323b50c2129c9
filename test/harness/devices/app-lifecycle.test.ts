import t from 'tap';
import { createAppLifecycle } from '../../../harness/devices/index.js';
import { Simulation } from '../../../harness/sim/index.js';
import { expectError } from '../../helpers/expect-error.js';

t.test('the app switches state at the scripted times, recorded before listeners run', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const app = createAppLifecycle({
    scheduler: sim.scheduler,
    trace: sim.trace,
    script: {
      app: [
        { atMs: 10_000, state: 'background' },
        { atMs: 40_000.5, state: 'foreground' },
      ],
    },
  });
  t.equal(app.state, 'foreground');
  const seen: [number, string, number][] = [];
  app.onChange((state) => seen.push([sim.now, state, sim.trace.records.length]));
  await sim.runFor(60_000_000);
  t.same(seen, [
    [10_000_000, 'background', 2],
    [40_000_500, 'foreground', 3],
  ]);
  t.same(
    sim.trace.records.map((r) => [r.t, r.kind, r.data]),
    [
      [0, 'app.state', { state: 'foreground', initial: true }],
      [10_000_000, 'app.state', { state: 'background' }],
      [40_000_500, 'app.state', { state: 'foreground' }],
    ],
  );
  t.equal(app.state, 'foreground');
});

t.test('control.setState switches now; no change, no record', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const app = createAppLifecycle({ scheduler: sim.scheduler, trace: sim.trace });
  t.equal(app.control.setState('foreground'), false);
  t.equal(app.control.setState('background'), true);
  t.equal(app.state, 'background');
  t.same(
    sim.trace.records.map((r) => r.data.state),
    ['foreground', 'background'],
  );
});

t.test('switches scripted before now set the initial state silently', async (t) => {
  const sim = new Simulation({ seed: 1 });
  sim.scheduler.runUntil(5_000_000);
  const app = createAppLifecycle({
    scheduler: sim.scheduler,
    trace: sim.trace,
    script: { app: [{ atMs: 1000, state: 'background' }] },
  });
  t.equal(app.state, 'background');
  t.same(sim.trace.records[0].data, { state: 'background', initial: true });
});

t.test('a switch to the state the app is already in is rejected', async (t) => {
  const sim = new Simulation({ seed: 1 });
  expectError(
    t,
    () =>
      createAppLifecycle({
        scheduler: sim.scheduler,
        trace: sim.trace,
        script: { app: [{ atMs: 1000, state: 'foreground' }] },
      }),
    { code: 'INVALID_DEVICE_SCRIPT', message: /app\[0\]\.state: "foreground" \(expected a change of state/ },
  );
});
