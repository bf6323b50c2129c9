import { resolve } from 'node:path';
import t from 'tap';
import {
  createProcessPusherFactory,
  type ProcessPusher,
  type ProcessPusherOptions,
} from '../../../../harness/adapter/process/index.js';
import type { PusherEnvironment } from '../../../../harness/adapter/types.js';
import { LiveClock } from '../../../../harness/live/index.js';
import { MemoryFileStore } from '../../../../harness/runner/memory-file-store.js';
import { type TraceRecord, TraceRecorder } from '../../../../harness/sim/index.js';

const root = resolve(import.meta.dirname, '../../../..');
const PYTHON_PUSHER: ProcessPusherOptions = {
  command: 'python3',
  args: [resolve(root, 'clients/python/conformance_pusher.py')],
};
const FAST = { pingIntervalMs: 100, unresponsiveMs: 600, operationMs: 800, disposeMs: 300, killMs: 300 };

/** A process pusher on real time with a trace, the way the live runner wires one. */
function start(options: ProcessPusherOptions, behaviour = 'ok') {
  const live = new LiveClock();
  const trace = new TraceRecorder(() => live.nowUs());
  const env: PusherEnvironment = {
    clock: live.pusherClock(),
    random: { bytes: (n) => new Uint8Array(n), next: () => 0 },
    transport: {
      connect: () => {
        throw new Error('unused');
      },
    },
    resolver: { resolve: () => Promise.reject(new Error('unused')) },
    http: { fetch: () => Promise.reject(new Error('unused')) },
    files: new MemoryFileStore(trace),
    devices: {} as PusherEnvironment['devices'],
    app: { state: 'foreground', onChange: () => {} },
    profile: {
      reconnectAttempts: 3,
      reconnectIntervalMs: 3000,
      waitingImageKeepAliveMs: 180000,
      waitingImageFps: 5,
    },
    viewSize: { width: 360, height: 640 },
    log: (level, message) => trace.record('pusher.log', { level, message }),
  };
  const factory = createProcessPusherFactory(options);
  const pusher = factory.create({ url: `rtmp://127.0.0.1:1/live/${behaviour}` }, env) as ProcessPusher;
  pusher.attachRecords((kind, data) => trace.record(kind, data));
  return { pusher, trace };
}

/** Real time passes in these tests: wait for a condition, at most `ms`. */
async function until(done: () => boolean, ms: number): Promise<void> {
  for (let waited = 0; waited < ms && !done(); waited += 50) await new Promise((r) => setTimeout(r, 50));
}

const ofKind = (records: readonly TraceRecord[], kind: string) => records.filter((r) => r.kind === kind);
const settledWithin = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p.then((v) => ({ settled: true as const, v })),
    new Promise<{ settled: false }>((r) => setTimeout(() => r({ settled: false }), ms)),
  ]);

t.test('a pusher that prints garbage gets protocol errors recorded and keeps being served', async (t) => {
  const { pusher, trace } = start(PYTHON_PUSHER, 'garbage');
  t.ok(await pusher.whenCreated(), 'created');
  const r = await pusher.start();
  t.same([r.ok, r.errMsg], [true, 'start:ok'], 'start answered');
  const reasons = ofKind(trace.records, 'pusher.protocolError').map((x) => x.data.reason);
  t.same(reasons, ['bad-json', 'bad-message', 'not-an-object', 'unknown-type']);
  pusher.dispose();
  const exit = await pusher.terminated();
  t.equal(exit.expected, true, 'ended by the harness');
  t.same(ofKind(trace.records, 'pusher.crash'), [], 'no crash');
});

t.test(
  'a pusher that exits mid-operation is recorded as a crash; the operation stays unanswered',
  async (t) => {
    const { pusher, trace } = start(PYTHON_PUSHER, 'exit');
    t.ok(await pusher.whenCreated());
    const op = settledWithin(pusher.start(), 1500);
    const exit = await pusher.terminated();
    t.same([exit.code, exit.expected], [3, false]);
    t.equal((await op).settled, false, 'start never settles');
    const crash = ofKind(trace.records, 'pusher.crash');
    t.equal(crash.length, 1);
    t.match(crash[0].data, { where: 'process', exitCode: 3, pending: ['start'] });
    pusher.dispose();
  },
);

t.test("an uncaught error ends the pusher with its `fatal` message as the crash's evidence", async (t) => {
  const { pusher, trace } = start(PYTHON_PUSHER, 'fatal');
  t.ok(await pusher.whenCreated());
  void pusher.start();
  const exit = await pusher.terminated();
  t.equal(exit.code, 70);
  t.match(ofKind(trace.records, 'pusher.crash')[0]?.data, {
    message: /^fatal: RuntimeError: uncaught/,
    exitCode: 70,
  });
});

t.test(
  'a pusher that stops answering is marked unresponsive, its operation timed out, and it is killed',
  async (t) => {
    const { pusher, trace } = start({ ...PYTHON_PUSHER, timeouts: FAST }, 'freeze');
    t.ok(await pusher.whenCreated());
    void pusher.start();
    const reasonsNow = () => ofKind(trace.records, 'pusher.protocolError').map((x) => x.data.reason);
    await until(() => reasonsNow().includes('timeout') && reasonsNow().includes('unresponsive'), 5000);
    const reasons = ofKind(trace.records, 'pusher.protocolError').map((x) => x.data.reason);
    t.ok(reasons.includes('timeout'), `timeout recorded (${reasons})`);
    t.ok(reasons.includes('unresponsive'), 'unresponsive recorded');
    pusher.dispose();
    const exit = await settledWithin(pusher.terminated(), 3000);
    t.ok(exit.settled, 'the stopped process is gone within dispose + kill time');
    if (exit.settled) t.equal(exit.v.signal, 'SIGKILL');
  },
);

t.test('a command that cannot start is a crash at spawn, not an exception', async (t) => {
  const { pusher, trace } = start({ command: '/nonexistent/lpc-pusher' });
  t.equal(await pusher.whenCreated(), false);
  t.match(ofKind(trace.records, 'pusher.crash')[0]?.data, { where: 'spawn', code: 'ENOENT' });
});

t.test('exit status 127 means "unsupported here"', async (t) => {
  const { pusher, trace } = start({ command: 'python3', args: ['-c', 'import sys; sys.exit(127)'] });
  t.equal(await pusher.whenCreated(), false);
  t.equal(ofKind(trace.records, 'pusher.unsupported').length, 1);
  t.same(ofKind(trace.records, 'pusher.crash'), []);
});

t.test(
  "a wrong version, 'sim-time' and unknown capabilities in ready are protocol errors, and ignored",
  async (t) => {
    const script = [
      'import json, sys',
      'hello = json.loads(sys.stdin.readline())',
      'print(json.dumps({"type": "ready", "id": hello["id"], "protocolVersion": 2,',
      '  "identity": {"name": "odd", "version": "0"}, "capabilities": ["events", "sim-time", "teleport"]}), flush=True)',
      'sys.stdin.read()',
    ].join('\n');
    const factory = createProcessPusherFactory({ command: 'python3', args: ['-c', script] });
    const probe = await factory.probe(new LiveClock().pusherClock());
    t.equal(probe.ok, true);
    t.same(probe.capabilities, ['events']);
    t.same(
      probe.records.filter((r) => r.kind === 'pusher.protocolError').map((r) => r.data.reason),
      ['version', 'capability', 'capability'],
    );
  },
);

t.test('probe reads identity and capabilities and ends the process', async (t) => {
  const probe = await createProcessPusherFactory(PYTHON_PUSHER).probe(new LiveClock().pusherClock());
  t.same(
    [probe.ok, probe.identity.name, probe.capabilities],
    [true, 'lpc-conformance-pusher (python)', ['events']],
  );
  t.ok(probe.records.some((r) => r.kind === 'pusher.process' && r.data.event === 'exit'));
});
