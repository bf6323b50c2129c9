import t from 'tap';
import { BitrateController } from '../../../src/pusher/bitrate-controller.js';

/**
 * Feeds the controller 250 ms steps of a link that drains in bursts: nothing in one step, twice the mean in
 * the next (what the campaign saw, .scratch/pusher-bugs.md run 339), with data always waiting.
 */
function burstyLink(meanKbps: number, steps: number, minKbps = 600, audioKbps = 64) {
  const c = new BitrateController({
    minKbps,
    maxKbps: 2500,
    congestedDelayMs: 300,
    dropDelayMs: 2000,
    initialKbps: minKbps,
  });
  let handed = 0;
  let drained = 0;
  const busyAt: number[] = [];
  for (let i = 0; i < steps; i++) {
    const now = i * 250;
    // We keep a 60 kB backlog: hand over what was drained plus a constant queue.
    drained += i % 2 === 0 ? 0 : (2 * meanKbps * 250) / 8;
    handed = drained + 60_000;
    const d = c.update({
      nowMs: now,
      bytesHandedToSocket: handed,
      socketBacklogBytes: handed - drained,
      appBacklogBytes: 0,
      audioKbps,
    });
    if (d.netBusy) busyAt.push(now);
  }
  return busyAt;
}

t.test('1101 when the link drains in bursts below min-bitrate + audio on average', (t) => {
  const busy = burstyLink(600, 40); // 600 < 600 + 64
  t.ok(busy.length > 0, 'net busy raised');
  t.ok(busy[0] <= 3000, `first at ${busy[0]} ms`);
  t.end();
});

t.test('no 1101 when the bursts carry the floor on average', (t) => {
  t.same(burstyLink(900, 40), [], 'never busy at 900 kbit/s');
  t.end();
});

/**
 * A socket behind a full bottleneck queue: it takes `kbps` for `openMs`, then nothing for `blockedMs`
 * (the queue drains down to its low mark), over and over, with data always waiting. Returns the targets.
 */
function blockedCycles(kbps: number, openMs: number, blockedMs: number, steps: number) {
  const c = new BitrateController({
    minKbps: 50,
    maxKbps: 10_000,
    congestedDelayMs: 150,
    dropDelayMs: 2000,
    initialKbps: 10_000,
  });
  let drained = 0;
  const targets: number[] = [];
  for (let i = 0; i < steps; i++) {
    const now = i * 250;
    const inCycle = now % (openMs + blockedMs);
    if (inCycle < openMs) drained += (kbps * 250) / 8;
    const handed = drained + 500_000;
    targets.push(
      c.update({
        nowMs: now,
        bytesHandedToSocket: handed,
        socketBacklogBytes: 80_000,
        appBacklogBytes: handed - drained - 80_000,
        audioKbps: 24,
      }).targetKbps,
    );
  }
  return targets;
}

t.test('a second in which a blocked socket took nothing does not cut to the floor', (t) => {
  // 8 Mbit/s for 1 s, then blocked for 1.75 s (attributes/invalid-values); the third cut falls in a second
  // that drained nothing. The backlog is held constant, so every cut is a real one: only the depth matters.
  const targets = blockedCycles(8000, 1000, 1750, 12);
  const lowest = Math.min(...targets);
  t.ok(lowest > 150, `lowest target ${lowest} kbit/s in 3 s (the floor is 50): ${targets.join(' ')}`);
  t.end();
});
