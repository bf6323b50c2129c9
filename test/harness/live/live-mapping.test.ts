import t from 'tap';
import { resolveDeviceScript } from '../../../harness/devices/index.js';
import { liveSupport, mapServerHost } from '../../../harness/live/index.js';
import { dateEstablishmentsByReports } from '../../../harness/live/internal/date-establishments.js';
import { deviceScriptInputOf } from '../../../harness/live/internal/device-script-input.js';
import { ServerAddressMap } from '../../../harness/live/internal/server-address-map.js';
import { parseCase } from '../../../harness/runner/case-schema.js';
import type { TraceRecord } from '../../../harness/sim/index.js';

t.test(
  "the case URL's host (with or without a port) is mapped to the relay; other URLs are left alone",
  async (t) => {
    const to = '127.0.0.1:4242';
    t.equal(mapServerHost('rtmp://media.lpc.test/live/s', to), 'rtmp://127.0.0.1:4242/live/s');
    t.equal(
      mapServerHost('rtmp://media.lpc.test:1935/live/s?txSecret=a', to),
      'rtmp://127.0.0.1:4242/live/s?txSecret=a',
    );
    t.equal(mapServerHost('RTMP://MEDIA.LPC.TEST/live/s', to), 'RTMP://127.0.0.1:4242/live/s');
    t.equal(mapServerHost('http://media.lpc.test/live/s', to), 'http://media.lpc.test/live/s');
    t.equal(mapServerHost('rtmp://media.lpc.test.evil/live/s', to), 'rtmp://media.lpc.test.evil/live/s');
    t.equal(mapServerHost(42, to), 42);
  },
);

const kase = (extra: string) =>
  parseCase(`id: x\ntitle: x\nrequirements: [events/connect/1]\ndurationMs: 1000\n${extra}`, 'inline');

t.test('what cannot run on real sockets is sim-only, with the reason', async (t) => {
  t.same(liveSupport(kase('live: true')), { ok: true });
  t.match(liveSupport(kase('')), { ok: false, reason: /not marked `live: true`/ });
  t.match(liveSupport(kase('live: true\nnetwork: { connections: [{ fault: refused }] }')), {
    ok: false,
    reason: /refused/,
  });
  t.same(liveSupport(kase('live: true\nnetwork: { connections: [{ fault: reset, afterMs: 10 }] }')), {
    ok: true,
  });
  t.match(liveSupport(kase('live: true\nnetwork: { dns: { cdn.test: 10.0.0.5 } }')), {
    ok: false,
    reason: /DNS/,
  });
  t.match(liveSupport(kase('live: true\nserver: { squatter: true }')), { ok: false, reason: /squatter/ });
  t.match(liveSupport(kase('live: true\nwaitingImage: { rgb: [1, 2, 3] }')), {
    ok: false,
    reason: /waiting image/,
  });
});

t.test('a resolved device script crosses the protocol and resolves to the same script', async (t) => {
  const input = {
    cameras: { back: { open: 'denied' } },
    videoEncoders: { hardware: { overloadAtMs: 100 }, overloadAtMs: 500, unsupportedSizes: ['640x360'] },
    app: [{ atMs: 1000, state: 'background' }],
  };
  const resolved = resolveDeviceScript(input);
  const crossed = deviceScriptInputOf(resolved);
  t.equal(crossed.ok, true);
  if (crossed.ok) t.same(resolveDeviceScript(JSON.parse(JSON.stringify(crossed.input))), resolved);
  const two = resolveDeviceScript({
    videoEncoders: { hardware: { overloadAtMs: 100 }, software: { overloadAtMs: 200 } },
  });
  t.equal(deviceScriptInputOf(two).ok, true);
});

t.test('server sessions are joined to pusher connections in forwarding order', async (t) => {
  const m = new ServerAddressMap();
  m.pusherConnected(1, '127.0.0.1:5001');
  m.proxyAccepted(1, 'none', false);
  m.pusherConnected(2, '127.0.0.1:5002');
  m.proxyAccepted(2, 'timeout', false); // never reaches the server
  m.pusherConnected(3, '127.0.0.1:5003');
  m.proxyAccepted(3, 'none', false);
  m.serverAccepted('127.0.0.1:7001');
  m.serverAccepted('127.0.0.1:7003');
  t.same(m.translate({ ip: '127.0.0.1:7001', session: 'a' }), {
    ip: '127.0.0.1:5001',
    session: 'a',
    serverIp: '127.0.0.1:7001',
  });
  t.same(m.translate({ ip: '127.0.0.1:7003' }), { ip: '127.0.0.1:5003', serverIp: '127.0.0.1:7003' });
  t.same(m.translate({ ip: '10.0.0.1:1' }), { ip: '10.0.0.1:1' });
});

const rec = (t: number, kind: string, data: TraceRecord['data'] = {}): TraceRecord => ({
  t,
  seq: 0,
  kind,
  data,
});

t.test(
  'a 1001 read before the harness handled the accept dates the establishment; other orders stay',
  async (t) => {
    const raced = dateEstablishmentsByReports([
      rec(100, 'device.call', { method: 'openMicrophone' }),
      rec(101, 'pusher.event', { code: 1001 }),
      rec(102, 'device.camera.firstFrame'),
      rec(103, 'net.connect', { conn: 1 }),
      rec(103, 'net.connected', { conn: 1 }),
      rec(103, 'wire.connection', { conn: 1 }),
    ]);
    t.same(
      raced.map((r) => [r.seq, r.t, r.kind]),
      [
        [0, 100, 'device.call'],
        [1, 101, 'net.connect'],
        [2, 101, 'net.connected'],
        [3, 101, 'wire.connection'],
        [4, 101, 'pusher.event'],
        [5, 102, 'device.camera.firstFrame'],
      ],
    );
    t.equal(raced[2].data.handledAtUs, 103);
    const inOrder = [
      rec(100, 'net.connect', { conn: 1 }),
      rec(100, 'net.connected', { conn: 1 }),
      rec(100, 'wire.connection', { conn: 1 }),
      rec(101, 'pusher.event', { code: 1001 }),
      rec(5000, 'pusher.event', { code: 1001 }), // a second 1001 for the same connection: not moved anywhere
      rec(9_000_000, 'net.connect', { conn: 2 }),
    ].map((r, seq) => ({ ...r, seq }));
    t.same(dateEstablishmentsByReports(inOrder), inOrder);
  },
);
