import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  formatMahimahi,
  generateMahimahi,
  loadNetworkScript,
  NetworkError,
  networkProfile,
  PROFILE_NAMES,
  parseNetworkScript,
  resolveNetworkScript,
  traceMeanKbps,
} from '../../../harness/network/index.js';

function rejection(input: unknown): {
  message: string;
  issues: { path: string; value: string; expected: string }[];
} {
  try {
    parseNetworkScript(input);
  } catch (e) {
    if (e instanceof NetworkError && e.code === 'INVALID_SCRIPT') {
      return { message: e.message, issues: e.context.issues as never };
    }
    throw e;
  }
  throw new Error('the script was accepted');
}

const example = `
name: commute-with-faults
uplink:
  steps:
    - { atMs: 0, kbps: 1000 }
    - { atMs: 30000, kbps: 150 }
  delayMs: 30
  jitterMs: 5
  queue: { ms: 500 }
downlink: { kbps: 10000, delayMs: 30 }
toxics:
  - { type: latency, atMs: 10000, untilMs: 20000, latencyMs: 200, direction: uplink }
  - { type: down, atMs: 40000 }
  - { type: up, atMs: 45000 }
connections:
  - { attempt: 1, fault: refused }
  - { attempt: 2, fault: reset, afterBytes: 1000 }
dns:
  live.test: [{ error: SERVFAIL }, 10.0.0.1]
http:
  - url: http://img.test/wait.png
    responses: [{ status: 404 }, { status: 200, body: { text: hello } }]
`;

t.test('a YAML script is read, validated and resolved to µs', async (t) => {
  const r = resolveNetworkScript(parseNetworkScript(example));
  t.equal(r.name, 'commute-with-faults');
  t.same(r.uplink.capacity, {
    kind: 'steps',
    steps: [
      { atUs: 0, kbps: 1000 },
      { atUs: 30_000_000, kbps: 150 },
    ],
  });
  t.equal(r.uplink.delayUs, 30_000);
  t.equal(r.uplink.queueLimitUs, 500_000);
  t.equal(r.uplink.queueLimitBytes, Infinity, 'a ms limit alone sets no byte limit');
  t.same(r.uplink.latency, [{ fromUs: 10_000_000, untilUs: 20_000_000, latencyUs: 200_000, jitterUs: 0 }]);
  t.same(r.downlink.latency, [], 'the latency toxic was for the uplink only');
  t.same(r.downWindows.uplink, [{ fromUs: 40_000_000, untilUs: 45_000_000 }], 'down + up make one window');
  t.same(r.downWindows.downlink, [{ fromUs: 40_000_000, untilUs: 45_000_000 }]);
  t.equal(r.connections[1].fault, 'reset');
  t.equal(r.connections[1].afterBytes, 1000);
  t.same(r.dns.get('live.test'), [
    { kind: 'error', error: 'SERVFAIL', delayUs: 0 },
    { kind: 'address', address: '10.0.0.1', family: 4, delayUs: 0 },
  ]);
  const ok = r.http[0].answers[1];
  t.equal(ok.kind === 'response' && new TextDecoder().decode(ok.body), 'hello');
  t.equal(r.connectTimeoutUs, 127_000_000);
});

t.test('JSON works too', async (t) => {
  const s = parseNetworkScript(JSON.stringify({ uplink: { kbps: 500 } }), { format: 'json' });
  t.equal(s.uplink?.kbps, 500);
});

t.test('malformed scripts are rejected naming the field, its value and the expectation', async (t) => {
  const cases: [string, unknown, string][] = [
    [
      'negative rate in a step',
      {
        uplink: {
          steps: [
            { atMs: 0, kbps: 1000 },
            { atMs: 100, kbps: 500 },
            { atMs: 200, kbps: -5 },
          ],
        },
      },
      'uplink.steps[2].kbps: -5 (expected a positive number)',
    ],
    [
      'a rate that is a string',
      { downlink: { kbps: 'fast' } },
      'downlink.kbps: "fast" (expected a positive number)',
    ],
    ['misspelt field', { uplink: { kpbs: 100 } }, 'uplink.kpbs: 100 (expected no such field)'],
    [
      'unknown toxic type',
      { toxics: [{ type: 'latncy', latencyMs: 5 }] },
      'toxics[0].type: "latncy" (expected one of latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, down, up)',
    ],
    [
      'toxic missing its parameter',
      { toxics: [{ type: 'latency', atMs: 0 }] },
      'toxics[0].latencyMs: missing (expected a number of ms >= 0)',
    ],
    [
      'window ending before it starts',
      { toxics: [{ type: 'down', atMs: 5000, untilMs: 1000 }] },
      'toxics[0].untilMs: 1000 (expected a time after atMs (5000))',
    ],
    [
      'steps out of order',
      {
        uplink: {
          steps: [
            { atMs: 0, kbps: 1 },
            { atMs: 0, kbps: 2 },
          ],
        },
      },
      'uplink.steps[1].atMs: 0 (expected a time after steps[0].atMs (0))',
    ],
    [
      'first step not at 0',
      { uplink: { steps: [{ atMs: 10, kbps: 1 }] } },
      'uplink.steps[0].atMs: 10 (expected 0 (the first step starts at 0))',
    ],
    [
      'two capacity sources',
      { uplink: { kbps: 100, steps: [{ atMs: 0, kbps: 1 }] } },
      'uplink.steps: [{"atMs":0,"kbps":1}] (expected only one of kbps, steps, trace (kbps is given))',
    ],
    [
      'unknown connection fault',
      { connections: [{ fault: 'refuse' }] },
      'connections[0].fault: "refuse" (expected one of ok, refused, unreachable, timeout, reset, close, half-open)',
    ],
    [
      'reset with no trigger',
      { connections: [{ fault: 'reset' }] },
      'connections[0]: {"fault":"reset"} (expected afterMs or afterBytes for a "reset" fault)',
    ],
    [
      'bad DNS address',
      { dns: { 'live.test': '10.0.0.300' } },
      'dns.live.test: "10.0.0.300" (expected an IPv4 or IPv6 address)',
    ],
    [
      'HTTP status out of range',
      { http: [{ url: 'http://a.test/x', responses: { status: 700 } }] },
      'http[0].responses.status: 700 (expected an HTTP status 100..599)',
    ],
    [
      'relative URL',
      { http: [{ url: '/x', responses: { status: 200 } }] },
      'http[0].url: "/x" (expected an absolute URL (optionally ending in "*"))',
    ],
    ['unknown profile', { extends: '5g-dream' }, 'extends: "5g-dream" (expected one of unlimited, wifi-good'],
    [
      'up with no down',
      { toxics: [{ type: 'up', atMs: 5 }] },
      'toxics[0].atMs: 5 (expected a time after a "down" toxic in the same direction)',
    ],
  ];
  for (const [name, input, line] of cases) {
    const r = rejection(input);
    t.ok(r.message.includes(line), `${name}: ${r.message.split('\n').slice(1).join(' | ')}`);
  }
});

t.test('every issue is reported, not only the first', async (t) => {
  const r = rejection({ uplink: { delayMs: -1, jitterMs: 'x' }, connectTimeoutMs: 0 });
  t.same(
    r.issues.map((i) => i.path),
    ['uplink.delayMs', 'uplink.jitterMs', 'connectTimeoutMs'],
  );
});

t.test('YAML syntax errors name the line', async (t) => {
  try {
    parseNetworkScript('uplink:\n  kbps: [1, 2\n', { source: 'bad.yaml' });
    t.fail('accepted');
  } catch (e) {
    t.match((e as Error).message, /^Failed to parse bad\.yaml at line \d+, column \d+/);
  }
});

t.test('every named profile validates and resolves', async (t) => {
  for (const name of PROFILE_NAMES) {
    const r = resolveNetworkScript(parseNetworkScript(networkProfile(name)));
    t.equal(r.name, name, name);
  }
  const commute = resolveNetworkScript(parseNetworkScript(networkProfile('4g-commute')));
  t.equal(commute.uplink.capacity.kind, 'trace');
  if (commute.uplink.capacity.kind === 'trace') {
    const mean = traceMeanKbps(commute.uplink.capacity.trace);
    t.ok(mean > 1500 && mean < 5000, `4g-commute mean ${mean.toFixed(0)} kbit/s`);
  }
  t.same(
    networkProfile('4g-commute'),
    networkProfile('4g-commute'),
    'the generated profile is the same every time',
  );
  t.throws(() => networkProfile('nope'), { code: 'UNKNOWN_PROFILE' });
});

t.test('extends: a profile with extra faults', async (t) => {
  const s = parseNetworkScript({
    extends: 'cliff-1000-to-150',
    connections: [{ attempt: 1, fault: 'refused' }],
  });
  const r = resolveNetworkScript(s);
  t.equal(r.name, 'cliff-1000-to-150');
  t.equal(r.uplink.capacity.kind, 'steps');
  t.equal(r.connections.length, 1);
});

t.test('trace files are read relative to the script and inlined', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'net-script-'));
  writeFileSync(join(dir, 'up.trace'), formatMahimahi(generateMahimahi(1200, 1000)));
  writeFileSync(join(dir, 'script.yaml'), 'uplink:\n  trace: { file: up.trace }\n  delayMs: 20\n');
  const s = loadNetworkScript(join(dir, 'script.yaml'));
  const trace = s.uplink?.trace;
  t.ok(trace && 'opportunitiesMs' in trace && trace.opportunitiesMs.length === 100);
  writeFileSync(join(dir, 'bad.yaml'), 'uplink:\n  trace: { file: missing.trace }\n');
  t.throws(() => loadNetworkScript(join(dir, 'bad.yaml')), {
    code: 'INVALID_SCRIPT',
    message: /uplink\.trace\.file: "missing\.trace"/,
  });
});

t.test('queue.drainFraction reaches the link (default 0.5)', async (t) => {
  t.equal(resolveNetworkScript(parseNetworkScript({ uplink: { kbps: 100 } })).uplink.drainFraction, 0.5);
  t.equal(
    resolveNetworkScript(
      parseNetworkScript({ uplink: { kbps: 100, queue: { bytes: 5000, drainFraction: 1 } } }),
    ).uplink.drainFraction,
    1,
  );
  t.throws(() => parseNetworkScript({ uplink: { queue: { drainFraction: 0 } } }), {
    message: /uplink\.queue\.drainFraction: 0 \(expected a number in \(0, 1\]\)/,
  });
});
