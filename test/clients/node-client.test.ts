import { PassThrough } from 'node:stream';
import t from 'tap';
import { type PusherImplementation, runPusherProcess } from '../../clients/node/pusher-process-client.js';

/** The library over in-memory pipes: lines in, parsed messages out. */
function harness(impl: PusherImplementation) {
  const input = new PassThrough();
  const out: Record<string, unknown>[] = [];
  let exitCode: number | undefined;
  const done = runPusherProcess(impl, {
    input,
    write: (line) => out.push(JSON.parse(line) as Record<string, unknown>),
    exit: (code) => {
      exitCode = code;
    },
    installProcessHooks: false,
    disposeTimeoutMs: 100,
  });
  const tick = () => new Promise((r) => setTimeout(r, 20));
  return {
    out,
    done,
    exitCode: () => exitCode,
    send: async (m: unknown) => {
      input.write(`${typeof m === 'string' ? m : JSON.stringify(m)}\n`);
      await tick();
    },
    end: async () => {
      input.end();
      await tick();
    },
  };
}

const impl = (start: () => unknown): PusherImplementation => ({
  identity: { name: 'unit', version: '1' },
  capabilities: ['events'],
  create: () => ({ start: start as never, stop: () => ({ ok: true }) }),
});

t.test('hello is answered with ready, version 1, identity and capabilities', async (t) => {
  const h = harness(impl(() => ({ ok: true })));
  await h.send({ type: 'hello', id: 1, protocolVersion: 1, capabilitiesAsked: [] });
  t.same(h.out, [
    {
      type: 'ready',
      id: 1,
      protocolVersion: 1,
      identity: { name: 'unit', version: '1' },
      capabilities: ['events'],
    },
  ]);
  await h.end();
});

t.test(
  'operations before create fail; after create they answer "<op>:ok" or "<op>:fail <reason>"',
  async (t) => {
    const h = harness(
      impl(() => {
        throw new Error('boom');
      }),
    );
    await h.send({ type: 'start', id: 2 });
    await h.send({
      type: 'create',
      id: 3,
      attributes: {},
      profile: {},
      viewSize: { width: 1, height: 1 },
      app: 'foreground',
    });
    await h.send({ type: 'start', id: 4 });
    await h.send({ type: 'stop', id: 5 });
    await h.send({ type: 'pause', id: 6 });
    const results = h.out.filter((m) => m.type === 'result');
    t.same(
      results.map((r) => [r.id, r.ok, r.errMsg]),
      [
        [2, false, 'start:fail not created'],
        [3, true, 'create:ok'],
        [4, false, 'start:fail boom'],
        [5, true, 'stop:ok'],
        [6, false, 'pause:fail unsupported'],
      ],
    );
    t.ok(
      h.out.some((m) => m.type === 'log' && m.level === 'error'),
      'the throw is logged',
    );
    await h.end();
  },
);

t.test(
  'bad JSON, non-objects and unknown types are reported and answered, nothing else changes',
  async (t) => {
    const h = harness(impl(() => ({ ok: true })));
    await h.send('{not json');
    await h.send('[1,2]');
    await h.send({ type: 'frobnicate', id: 9 });
    await h.send({ type: 'ping', id: 10 });
    t.same(
      h.out.map((m) => [m.type, m.reason ?? m.id]),
      [
        ['protocolError', 'bad-json'],
        ['protocolError', 'bad-message'],
        ['protocolError', 'unknown-type'],
        ['result', 9],
        ['pong', 10],
      ],
    );
    await h.end();
  },
);

t.test('a hanging operation does not block pings; dispose answers and exits 0', async (t) => {
  const h = harness(impl(() => new Promise(() => {})));
  await h.send({
    type: 'create',
    id: 1,
    attributes: {},
    profile: {},
    viewSize: { width: 1, height: 1 },
    app: 'foreground',
  });
  await h.send({ type: 'start', id: 2 });
  await h.send({ type: 'ping', id: 3 });
  t.ok(
    h.out.some((m) => m.type === 'pong' && m.id === 3),
    'pong while start hangs',
  );
  await h.send({ type: 'dispose', id: 4 });
  t.equal(await h.done, 0);
  t.ok(
    h.out.some((m) => m.type === 'result' && m.id === 4 && m.ok === true),
    'dispose answered',
  );
});

t.test('the end of stdin ends the process', async (t) => {
  const h = harness(impl(() => ({ ok: true })));
  await h.end();
  t.equal(await h.done, 0);
  t.equal(h.exitCode(), 0);
});
