import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  extractSeedQuotes,
  findMissingSeedQuotes,
  isDerived,
  loadSpec,
  REQUIREMENT_ID_PATTERN,
  REQUIREMENT_LEVELS,
  SPEC_AREAS,
} from '../../../harness/spec/index.js';

/**
 * docs/spec.md itself: it parses, its IDs are well formed and unique, and it covers the seed. The seed is a
 * verbatim copy of the project's seed document (fixtures/live-pusher.seed.md), so quotes can be checked.
 */
const requirements = loadSpec();
const seed = readFileSync(join(import.meta.dirname, 'fixtures', 'live-pusher.seed.md'), 'utf8');
const text = (r: (typeof requirements)[number]) => `${r.title} ${r.seed} ${r.criterion}`;

t.test('the spec parses into a checkable number of requirements', async (t) => {
  t.ok(
    requirements.length >= 80 && requirements.length <= 140,
    `80..140 requirements (${requirements.length})`,
  );
});

t.test('IDs are well formed, unique, and their area is the first segment', async (t) => {
  const bad = requirements.filter((r) => !REQUIREMENT_ID_PATTERN.test(r.id)).map((r) => r.id);
  t.same(bad, []);
  const ids = requirements.map((r) => r.id);
  t.same(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
  );
  const wrongArea = requirements.filter(
    (r) => r.id.split('/')[0] !== r.area || r.id.split('/')[1] !== r.topic,
  );
  t.same(
    wrongArea.map((r) => r.id),
    [],
  );
});

t.test('every area has requirements and they appear grouped in the document order of areas', async (t) => {
  for (const area of SPEC_AREAS)
    t.ok(
      requirements.some((r) => r.area === area),
      `area ${area}`,
    );
  const order = requirements.map((r) => SPEC_AREAS.indexOf(r.area));
  const sorted = [...order].sort((a, b) => a - b);
  t.same(order, sorted, 'areas are contiguous and in SPEC_AREAS order');
});

t.test('levels are valid and every level is used', async (t) => {
  t.same(
    requirements.filter((r) => !REQUIREMENT_LEVELS.includes(r.level)).map((r) => r.id),
    [],
  );
  for (const level of REQUIREMENT_LEVELS)
    t.ok(
      requirements.some((r) => r.level === level),
      level,
    );
});

t.test('each requirement has a title, a seed quote or derivation, a criterion and a reason', async (t) => {
  const incomplete = requirements
    .filter(
      (r) =>
        r.title === '' ||
        r.criterion.length < 20 ||
        r.why.length < 10 ||
        !(isDerived(r) ? r.seed.length > 'derived:'.length + 5 : extractSeedQuotes(r.seed).length > 0),
    )
    .map((r) => r.id);
  t.same(incomplete, []);
});

t.test('every verbatim quote occurs in the seed document', async (t) => {
  t.same(findMissingSeedQuotes(requirements, seed), []);
});

t.test('every cross-reference to a requirement ID names an existing requirement', async (t) => {
  const ids = new Set(requirements.map((r) => r.id));
  const dangling: string[] = [];
  for (const r of requirements) {
    for (const m of `${r.criterion} ${r.why} ${r.seed}`.matchAll(/`([a-z-]+\/[a-z0-9-]+\/\d+)`/g)) {
      if (!ids.has(m[1])) dangling.push(`${r.id} → ${m[1]}`);
    }
  }
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'spec.md'), 'utf8');
  // Prose outside requirements (errata) refers to IDs too; the format example names events/reconnect/3.
  for (const m of doc.matchAll(/`([a-z-]+\/[a-z0-9-]+\/\d+)`/g)) {
    if (!ids.has(m[1])) dangling.push(`document → ${m[1]}`);
  }
  t.same(dangling, []);
});

t.test('every event code of the seed is mentioned by at least one requirement', async (t) => {
  const codes = [...seed.matchAll(/^\|\s*(-?\d{4})\s*\|/gm)].map((m) => m[1]);
  t.same(
    codes,
    [
      '1001',
      '1002',
      '1003',
      '-1301',
      '-1302',
      '-1303',
      '-1304',
      '-1305',
      '-1306',
      '-1307',
      '1101',
      '1102',
      '1103',
      '1107',
      '3001',
      '3002',
      '3003',
      '3004',
      '3005',
    ],
    'the seed tables list these codes',
  );
  // The SDK's two additions the reference pusher emits are specified too.
  for (const code of [...codes, '1005', '1006']) {
    const token = new RegExp(`(^|[^\\d-])${code}(?!\\d)`);
    t.ok(
      requirements.some((r) => token.test(text(r))),
      `code ${code}`,
    );
  }
});

t.test('every attribute of the seed has an attributes/<name>/n requirement', async (t) => {
  const table = seed.slice(seed.indexOf('## Attributes'), seed.indexOf('## Sample Code'));
  const names = [...table.matchAll(/^\|\s*([a-z][a-z-]*)\s*\|\s*(?:String|Boolean|Number)\s*\|/gm)].map(
    (m) => m[1],
  );
  t.equal(names.length, 18, 'the seed table lists 18 attributes');
  for (const name of names) {
    t.ok(
      requirements.some((r) => r.area === 'attributes' && r.topic === name),
      `attributes/${name}/*`,
    );
  }
});

t.test('every operation of the seed has a requirement', async (t) => {
  for (const topic of ['start', 'stop', 'pause', 'resume', 'switch-camera', 'snapshot', 'callbacks']) {
    t.ok(
      requirements.some((r) => r.area === 'operations' && r.topic === topic),
      `operations/${topic}/*`,
    );
  }
});
