import fc from 'fast-check';
import t from 'tap';
import type { Capability } from '../../../harness/adapter/types.js';
import {
  appSwitchesArbitrary,
  attributePatchArbitrary,
  connectionFaultsArbitrary,
  deviceFaultsArbitrary,
  dnsFaultsArbitrary,
  generatedCaseArbitrary,
  initialAttributesArbitrary,
  linkArbitrary,
  outagesArbitrary,
  serverKicksArbitrary,
  socketResetsArbitrary,
  userOperationsArbitrary,
} from '../../../harness/campaign/index.js';
import { parseCase } from '../../../harness/runner/case-schema.js';
import { loadSpec } from '../../../harness/spec/index.js';

/**
 * The arbitraries (issue 7, item 1): every generated case is a valid case file, stays inside its
 * duration, targets only existing requirements, needs only what the pusher declares; every arbitrary
 * shrinks to its harmless value, so a minimal case keeps only what a failure needs.
 */
const requirementIds = loadSpec().map((r) => r.id);
const D = 20_000;

/** The value fast-check shrinks to when every value fails: the arbitrary's minimum. */
function minimum<T>(arb: fc.Arbitrary<T>): T {
  const details = fc.check(
    fc.property(arb, () => false),
    { seed: 42, numRuns: 1 },
  );
  return details.counterexample![0] as T;
}

t.test('generated cases are valid case documents inside their duration', async (t) => {
  const samples = fc.sample(generatedCaseArbitrary({ durationMs: D, requirementIds }), {
    seed: 7,
    numRuns: 150,
  });
  const known = new Set(requirementIds);
  const problems: string[] = [];
  for (const [i, g] of samples.entries()) {
    const d = g.document;
    // The document itself (not only the definition) passes the case-file validation again.
    parseCase(structuredClone(d), `sample ${i}`);
    if (d.durationMs !== D) problems.push(`${i}: durationMs ${d.durationMs}`);
    for (const a of d.actions) if (a.atMs < 0 || a.atMs > D) problems.push(`${i}: action at ${a.atMs}`);
    for (let k = 1; k < d.actions.length; k++)
      if (d.actions[k].atMs < d.actions[k - 1].atMs) problems.push(`${i}: actions out of order`);
    const app = d.devices?.app ?? [];
    app.forEach((s, k) => {
      if (s.state !== (k % 2 === 0 ? 'background' : 'foreground'))
        problems.push(`${i}: app switch ${k} is ${s.state}`);
      if (k > 0 && s.atMs <= app[k - 1].atMs) problems.push(`${i}: app switches not increasing`);
    });
    for (const r of d.requirements) if (!known.has(r)) problems.push(`${i}: unknown requirement ${r}`);
    if (d.requirements.length === 0) problems.push(`${i}: no requirement`);
    for (const k of d.server?.kickAtMs ?? []) if (k >= D) problems.push(`${i}: kick at ${k}`);
    if (g.steps < d.actions.length) problems.push(`${i}: steps ${g.steps} < actions`);
  }
  t.same(problems, [], `${samples.length} generated cases`);
  const kinds = (p: (g: (typeof samples)[number]) => boolean) => samples.filter(p).length;
  t.ok(kinds((g) => (g.document.network?.connections?.length ?? 0) > 0) > 10, 'connection faults are common');
  t.ok(kinds((g) => g.document.network?.dns !== undefined) > 10, 'DNS faults are common');
  t.ok(kinds((g) => (g.document.server?.kickAtMs?.length ?? 0) > 0) > 10, 'server kicks are common');
  t.ok(kinds((g) => (g.document.devices?.app?.length ?? 0) > 0) > 10, 'app switches are common');
  t.ok(kinds((g) => g.document.actions.some((a) => a.op === 'pause')) > 5, 'pause appears');
  t.ok(
    kinds((g) => g.document.actions.some((a) => a.op === 'setAttributes')) > 5,
    'attribute changes appear',
  );
});

t.test('features needing a capability the pusher lacks are not generated', async (t) => {
  const capabilities: Capability[] = ['events', 'netstatus'];
  const samples = fc.sample(generatedCaseArbitrary({ durationMs: D, requirementIds, capabilities }), {
    seed: 3,
    numRuns: 120,
  });
  const ops = new Set(samples.flatMap((g) => g.document.actions.map((a) => a.op)));
  t.same(
    [...ops].filter((o) => !['start', 'stop'].includes(o)),
    [],
    'only start and stop',
  );
  t.equal(samples.filter((g) => g.document.devices !== undefined).length, 0, 'no device script');
  t.equal(samples.filter((g) => g.document.network?.dns).length, 0, 'no DNS faults');
  t.equal(samples.filter((g) => g.document.waitingImage).length, 0, 'no waiting image');
  t.same([...new Set(samples.flatMap((g) => g.document.needs ?? []))], [], 'needs nothing');
});

t.test('fault kinds can be switched off', async (t) => {
  const samples = fc.sample(
    generatedCaseArbitrary({
      durationMs: D,
      requirementIds,
      faults: { connections: false, dns: false, kicks: false, resets: false, outages: false, devices: false },
    }),
    { seed: 5, numRuns: 80 },
  );
  const net = samples.map((g) => g.document.network ?? {});
  t.equal(net.filter((n) => n.connections || n.dns || n.toxics).length, 0, 'no network faults');
  t.equal(samples.filter((g) => g.document.server).length, 0, 'no kicks');
  const deviceFaults = samples.filter((g) => Object.keys(g.document.devices ?? {}).some((k) => k !== 'app'));
  t.equal(deviceFaults.length, 0, 'no device faults');
});

t.test('a case shrinks to a clean push started at 0 on a good link', async (t) => {
  const g = minimum(generatedCaseArbitrary({ durationMs: D, requirementIds }));
  t.same(g.document.actions, [{ atMs: 0, op: 'start' }]);
  t.equal(g.steps, 1, 'one step: the start');
  t.same(g.document.attributes, { url: 'rtmp://{host}/live/{stream}', mode: 'SD' });
  t.same(g.document.network, {
    uplink: { kbps: 4000, delayMs: 20, queue: { ms: 1000 } },
    downlink: { kbps: 10_000, delayMs: 20 },
  });
  t.equal(g.document.devices, undefined);
  t.equal(g.document.server, undefined);
});

t.test('each arbitrary shrinks to its harmless value', async (t) => {
  const o = { durationMs: D };
  t.same(minimum(outagesArbitrary(o)), []);
  t.same(minimum(socketResetsArbitrary(o)), []);
  t.same(minimum(serverKicksArbitrary(o)), []);
  t.same(minimum(appSwitchesArbitrary(o)), []);
  t.same(minimum(userOperationsArbitrary(o)), []);
  t.same(minimum(connectionFaultsArbitrary()), []);
  t.same(minimum(dnsFaultsArbitrary({ host: 'h.test', address: '10.0.0.9' })), undefined);
  t.same(minimum(deviceFaultsArbitrary(o)), {});
  t.same(minimum(linkArbitrary(o)), { kbps: 4000, delayMs: 20, queue: { ms: 1000 } });
  t.same(minimum(initialAttributesArbitrary()), {
    attributes: { url: 'rtmp://{host}/live/{stream}', mode: 'SD' },
  });
  t.same(minimum(attributePatchArbitrary()), { mode: 'SD' });
});

t.test('small arbitraries produce what the network and device scripts accept', async (t) => {
  fc.assert(
    fc.property(
      linkArbitrary({ durationMs: D }),
      outagesArbitrary({ durationMs: D }),
      socketResetsArbitrary({ durationMs: D }),
      connectionFaultsArbitrary(),
      dnsFaultsArbitrary({ host: 'media.lpc.test', address: '10.0.0.1' }),
      deviceFaultsArbitrary({ durationMs: D }),
      appSwitchesArbitrary({ durationMs: D }),
      (uplink, outages, resets, connections, dns, devices, app) => {
        parseCase({
          id: 'campaign/arbitraries',
          title: 't',
          requirements: ['events/connect/1'],
          durationMs: D,
          network: { uplink, toxics: [...outages, ...resets], connections, ...(dns ? { dns } : {}) },
          devices: { ...devices, app },
        });
      },
    ),
    { seed: 11, numRuns: 200 },
  );
  t.pass('200 combinations validated');
});
