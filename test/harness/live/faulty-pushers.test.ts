import { resolve } from 'node:path';
import t from 'tap';
import { createProcessPusherFactory } from '../../../harness/adapter/process/index.js';
import { LiveMediaServer, runLiveAndJudge } from '../../../harness/live/index.js';
import { parseCase } from '../../../harness/runner/case-schema.js';
import { loadSpec, requirementIndex } from '../../../harness/runner/run-suite.js';

/**
 * Pushers that misbehave (the protocol's conformance pusher, told how by its URL) never crash a live run:
 * each case completes, the evidence is in the trace, and the verdicts say what the pusher did.
 */
const root = resolve(import.meta.dirname, '../../..');
const requirements = requirementIndex(loadSpec());
const server = new LiveMediaServer();
t.teardown(() => server.close());
const pusher = createProcessPusherFactory({
  command: 'python3',
  args: [resolve(root, 'clients/python/conformance_pusher.py')],
  timeouts: { pingIntervalMs: 200, unresponsiveMs: 800, operationMs: 1000, disposeMs: 300, killMs: 300 },
});

const live = (behaviour: string) =>
  runLiveAndJudge(
    parseCase(
      `id: faulty/${behaviour}
title: a pusher that misbehaves (${behaviour})
live: true
requirements: [operations/start/1, events/connect/1]
durationMs: 2000
attributes: { url: "rtmp://{host}/live/${behaviour}" }`,
      `faulty/${behaviour}`,
    ),
    { pusher, capabilities: ['events'], server, seed: 1, requirements },
  );

const verdict = (r: Awaited<ReturnType<typeof live>>['result'], id: string) =>
  r.verdicts.find((v) => v.requirement === id);

t.test('garbage on stdout: recorded as protocol errors, the operation is still judged', async (t) => {
  const { result, run } = await live('garbage');
  const reasons = run?.records.filter((r) => r.kind === 'pusher.protocolError').map((r) => r.data.reason);
  t.same(reasons, ['bad-json', 'bad-message', 'not-an-object', 'unknown-type']);
  t.equal(verdict(result, 'operations/start/1')?.verdict, 'PASS');
  t.equal(result.pusherFaults, 4);
});

t.test(
  'exiting mid-case: a crash with its exit status, the unanswered operation FAILs, the run ends early',
  async (t) => {
    const { result, run } = await live('exit');
    const crash = run?.records.find((r) => r.kind === 'pusher.crash');
    t.match(crash?.data, { where: 'process', exitCode: 3, pending: ['start'] });
    t.match(run?.records.find((r) => r.kind === 'case.end')?.data, {
      early: true,
      pendingOperations: ['start'],
    });
    for (const id of ['operations/start/1', 'events/connect/1']) {
      const v = verdict(result, id);
      t.equal(v?.verdict, 'FAIL', `${id}: ${v?.summary}`);
    }
    t.same(
      result.harnessErrors.filter((e) => !e.includes('real time')),
      [],
      'not a harness fault',
    );
  },
);

t.test('an uncaught error: the fatal message is the evidence', async (t) => {
  const { result, run } = await live('fatal');
  t.match(run?.records.find((r) => r.kind === 'pusher.crash')?.data, {
    exitCode: 70,
    message: /^fatal: RuntimeError/,
  });
  t.equal(verdict(result, 'operations/start/1')?.verdict, 'FAIL');
});

t.test(
  'a pusher that stops answering: unresponsive and timed out, killed at the end, judged FAIL',
  async (t) => {
    const { result, run } = await live('freeze');
    const reasons = run?.records.filter((r) => r.kind === 'pusher.protocolError').map((r) => r.data.reason);
    t.ok(
      reasons?.includes('timeout'),
      `timeout (${JSON.stringify(run?.records.filter((r) => /pusher\.|case\./.test(r.kind)).map((r) => [r.t, r.kind, r.data.reason ?? r.data.event ?? r.data.phase ?? '']))})`,
    );
    t.ok(reasons?.includes('unresponsive'), 'unresponsive');
    t.equal(verdict(result, 'operations/start/1')?.verdict, 'FAIL');
    t.ok(
      run?.records.some(
        (r) => r.kind === 'pusher.process' && r.data.event === 'exit' && r.data.signal === 'SIGKILL',
      ),
      'the stopped process was killed',
    );
  },
);
