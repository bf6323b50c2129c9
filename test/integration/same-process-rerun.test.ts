import t from 'tap';
import { parseCase } from '../../harness/runner/case-schema.js';
import { profileByName } from '../../harness/runner/profiles.js';
import { runCase } from '../../harness/runner/run-case.js';
import { referencePusherFactory } from '../../src/index.js';

t.test('the same case and seed run twice in one process give byte-identical traces', async (t) => {
  const def = parseCase(
    `
id: rerun/same-process
title: rerun in one process
requirements: [events/connect/1]
durationMs: 5000
attributes: { url: "rtmp://{host}/live/{stream}" }
actions: [{ atMs: 0, op: start }, { atMs: 3000, op: stop }]
`,
    'inline',
  );
  const opts = { pusher: referencePusherFactory, seed: 3, profile: profileByName('seed'), validate: false };
  const a = await runCase(def, opts);
  const b = await runCase(def, opts);
  t.equal(b.records.length, a.records.length, 'same number of records');
  t.equal(b.digest, a.digest, 'same digest');
});
