import t from 'tap';
import { createSocketPair, DirectChannel, Simulation } from '../../../harness/sim/index.js';

t.test('writes arrive from a later callback with the channel delay, in order', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const pair = createSocketPair(sim.scheduler, { direct: { delayUs: 2000 } });
  const got: { at: number; text: string }[] = [];
  pair.server.on('data', (d: Buffer) => got.push({ at: sim.now, text: d.toString() }));
  pair.client.write('a');
  pair.client.write('b');
  t.same(got, [], 'nothing is delivered inside write()');
  await sim.runFor(1999);
  t.same(got, []);
  await sim.runFor(1);
  t.same(got.map((g) => g.text).join(''), 'ab');
  t.ok(got.every((g) => g.at === 2000));
});

t.test('back-pressure: write() returns false when the link queue is full, drain follows', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const up = new DirectChannel(sim.scheduler, { delayUs: 10_000, queueLimitBytes: 4096 });
  const pair = createSocketPair(sim.scheduler, { uplink: up });
  let received = 0;
  pair.server.on('data', (d: Buffer) => {
    received += d.length;
  });
  const big = Buffer.alloc(3000, 1);
  let writes = 0;
  while (pair.client.write(big)) writes++;
  writes++;
  t.ok(writes > 2, `accepted ${writes} writes before write() returned false`);
  t.ok(up.queuedBytes <= 4096 + 3000, 'the link holds no more than its limit plus one chunk');
  t.ok(pair.client.writableLength >= 16 * 1024, 'Node buffers the rest up to its high-water mark');
  let drained = false;
  pair.client.once('drain', () => {
    drained = true;
  });
  await sim.runFor(9_999);
  t.equal(drained, false);
  t.equal(received, 0);
  await sim.runFor(200_000);
  t.equal(drained, true);
  t.equal(received, writes * 3000, 'no byte lost');
});

t.test('half-close: FIN after the data; allowHalfOpen keeps the other direction open', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const pair = createSocketPair(sim.scheduler, { allowHalfOpen: true, direct: { delayUs: 100 } });
  const events: string[] = [];
  pair.server.on('data', (d: Buffer) => events.push(`server data ${d}`));
  pair.server.on('end', () => {
    events.push('server end');
    pair.server.write('reply');
    pair.server.end();
  });
  pair.client.on('data', (d: Buffer) => events.push(`client data ${d}`));
  pair.client.on('end', () => events.push('client end'));
  pair.client.on('close', () => events.push('client close'));
  pair.client.end('hello');
  await sim.runFor(1000);
  t.same(events, ['server data hello', 'server end', 'client data reply', 'client end', 'client close']);
});

t.test('without allowHalfOpen the peer closes too, like net.Socket', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const pair = createSocketPair(sim.scheduler);
  const events: string[] = [];
  pair.server.on('close', () => events.push('server close'));
  pair.client.on('close', () => events.push('client close'));
  pair.server.resume();
  pair.client.resume();
  pair.client.end();
  await sim.runFor(10);
  t.same(events.sort(), ['client close', 'server close']);
});

t.test('reset: both sides fail with ECONNRESET, queued bytes are dropped', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const pair = createSocketPair(sim.scheduler, { direct: { delayUs: 5000 } });
  const errors: string[] = [];
  let received = 0;
  pair.server.on('data', (d: Buffer) => {
    received += d.length;
  });
  pair.client.on('error', (e: NodeJS.ErrnoException) =>
    errors.push(`client ${e.code} ${e.syscall} ${e.errno}`),
  );
  pair.server.on('error', (e: NodeJS.ErrnoException) => errors.push(`server ${e.code}`));
  pair.client.write(Buffer.alloc(100));
  await sim.runFor(1000);
  pair.reset();
  await sim.runFor(10_000);
  t.equal(received, 0);
  t.same(errors, ['client ECONNRESET read -104', 'server ECONNRESET']);
  t.equal(pair.client.destroyed, true);
  pair.client.write('late', (err) => errors.push(`late write ${err ? 'failed' : 'ok'}`));
  await sim.runFor(10);
  t.match(errors[errors.length - 1], /late write failed/);
});

t.test('re-entrancy: a peer that sets state after write() is never re-entered inside write()', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const pair = createSocketPair(sim.scheduler);
  // The NMS handshake pattern: write first, set the state the reply depends on afterwards.
  let serverState = 'init';
  const log: string[] = [];
  pair.server.on('data', (d: Buffer) => {
    log.push(`server got ${d} in state ${serverState}`);
    if (d.toString() === 'C0') {
      pair.server.write('S0');
      serverState = 'waiting-c2';
    }
  });
  pair.client.on('data', (d: Buffer) => {
    log.push(`client got ${d}`);
    pair.client.write('C2');
  });
  pair.client.write('C0');
  await sim.runFor(10);
  t.same(log, ['server got C0 in state init', 'client got S0', 'server got C2 in state waiting-c2']);
});

t.test(
  'setTimeout emulation fires after virtual idle time, and addresses look like net.Socket',
  async (t) => {
    const sim = new Simulation({ seed: 1 });
    const pair = createSocketPair(sim.scheduler);
    const at: number[] = [];
    pair.client.setTimeout(30_000, () => at.push(sim.now));
    pair.client.setNoDelay(true);
    await sim.runFor(10_000_000);
    pair.client.write('x'); // activity postpones the timeout
    await sim.runFor(50_000_000);
    t.same(at, [40_000_000]);
    t.equal(pair.client.remoteAddress, '10.0.0.1');
    t.equal(pair.client.remotePort, 1935);
    t.equal(pair.server.remoteAddress, '10.0.0.2');
    t.equal(pair.client.noDelay, true);
    t.equal(pair.client.readyState, 'open');
  },
);
