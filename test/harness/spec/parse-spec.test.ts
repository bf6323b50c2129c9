import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadSpec, parseSpec, SpecError, type SpecIssue } from '../../../harness/spec/index.js';
import { expectError } from '../../helpers/expect-error.js';

const good = (id = 'events/reconnect/3', level = 'MUST') =>
  [
    `### \`${id}\` — ${level} — -1307 exactly once`,
    '- **Seed:** "Reconnection attempts have failed for three times."',
    '- **Criterion:** -1307 once, within E of the N-th failure;',
    '  never earlier.',
    '- **Why:** N is a profile parameter.',
    '',
  ].join('\n');

function issuesOf(text: string): SpecIssue[] {
  try {
    parseSpec(text, 'test.md');
  } catch (e) {
    if (e instanceof SpecError && e.code === 'SPEC_INVALID') return [...e.issues];
    throw e;
  }
  return [];
}

t.test('a requirement block parses into its fields, continuation lines joined', async (t) => {
  const reqs = parseSpec(`# Title\n\nProse.\n\n## Area\n\n${good()}\n`);
  t.same(reqs, [
    {
      id: 'events/reconnect/3',
      area: 'events',
      topic: 'reconnect',
      level: 'MUST',
      title: '-1307 exactly once',
      seed: '"Reconnection attempts have failed for three times."',
      criterion: '-1307 once, within E of the N-th failure; never earlier.',
      why: 'N is a profile parameter.',
      line: 7,
    },
  ]);
});

t.test('prose, level-2 and level-4 headings and fenced code are not requirements', async (t) => {
  const doc = [
    '## Verdicts',
    'Some text with - **Seed:** in it.',
    '```',
    '### `not/a-requirement/1` — MUST — inside a fence',
    '- random',
    '```',
    '#### A note',
    good('wire/handshake/1', 'SHOULD'),
    '## Next area',
    'More prose after the requirement.',
  ].join('\n');
  const reqs = parseSpec(doc);
  t.same(
    reqs.map((r) => [r.id, r.level]),
    [['wire/handshake/1', 'SHOULD']],
  );
});

t.test('derived seeds and escaped quotes are accepted', async (t) => {
  const doc = good().replace(
    '- **Seed:** "Reconnection attempts have failed for three times."',
    '- **Seed:** derived: RTMP §5.2.1 "MUST wait until S1"',
  );
  t.equal(parseSpec(doc)[0].seed, 'derived: RTMP §5.2.1 "MUST wait until S1"');
  const escaped = good().replace(
    '"Reconnection attempts have failed for three times."',
    '"say \\"rtmp://\\""',
  );
  t.equal(parseSpec(escaped)[0].seed, '"say \\"rtmp://\\""');
});

t.test('a malformed heading names its line and the expected form', async (t) => {
  const issues = issuesOf(`intro\n${good().replace(' — MUST — ', ' - MUST - ')}`);
  t.equal(issues.length, 1);
  t.equal(issues[0].line, 2);
  t.match(
    issues[0].message,
    /expected a requirement heading "### `area\/topic\/n` — MUST\|SHOULD\|INFORMATIONAL/,
  );
});

t.test('bad IDs, unknown areas, unknown levels and duplicates are reported with their lines', async (t) => {
  t.match(issuesOf(good('Events/x/1')), [{ line: 1, message: /not of the form area\/topic\/n/ }]);
  t.match(issuesOf(good('events/x/0')), [{ line: 1, message: /not of the form/ }]);
  t.match(issuesOf(good('events/x')), [{ line: 1, message: /not of the form/ }]);
  t.match(issuesOf(good('network/x/1')), [{ line: 1, message: /unknown area "network" \(expected one of/ }]);
  t.match(issuesOf(good('events/x/1', 'MAY')), [
    { line: 1, message: /level "MAY" is not one of MUST, SHOULD/ },
  ]);
  t.match(issuesOf(`${good()}\n${good()}`), [
    { line: 7, message: /duplicate requirement ID events\/reconnect\/3 \(first at line 1\)/ },
  ]);
});

t.test('missing, repeated, unknown and misordered fields are reported', async (t) => {
  const lines = good().split('\n');
  t.match(issuesOf(lines.filter((l) => !l.includes('**Why:**')).join('\n')), [
    {
      line: 1,
      message: /events\/reconnect\/3 has no Why \(expected a non-empty "- \*\*Why:\*\* \.\.\." line\)/,
    },
  ]);
  const emptyCriterion = [lines[0], lines[1], '- **Criterion:**', lines[4]].join('\n');
  t.match(issuesOf(emptyCriterion), [{ line: 1, message: /has no Criterion/ }]);
  t.match(issuesOf(`${good()}- **Why:** again\n`), [
    { line: 6, message: /Why appears twice \(first at line 5\)/ },
  ]);
  t.match(issuesOf(good().replace('**Why:**', '**Reason:**')), [
    { line: 1, message: /has no Why/ },
    { line: 5, message: /unknown field "Reason"/ },
  ]);
  const swapped = [lines[0], lines[2], lines[3], lines[1], lines[4]].join('\n');
  t.match(issuesOf(swapped), [
    { line: 2, message: /expected "- \*\*Seed:\*\*" here, found "- \*\*Criterion:\*\*"/ },
  ]);
});

t.test('text inside a requirement that is neither a field nor a continuation is reported', async (t) => {
  const issues = issuesOf(good().replace('  never earlier.', 'never earlier.'));
  t.match(issues, [{ line: 4, message: /expected a field line .* found "never earlier\."/ }]);
});

t.test('a seed that is neither quoted nor derived, or has an open quote, is reported', async (t) => {
  t.match(
    issuesOf(good().replace('"Reconnection attempts have failed for three times."', 'Reconnection attempts')),
    [{ line: 2, message: /Seed must be verbatim seed text in double quotes or start with "derived:"/ }],
  );
  t.match(issuesOf(good().replace('three times."', 'three times.')), [
    { line: 2, message: /Seed quotes are malformed \(quote opened at character 1 is not closed/ },
  ]);
});

t.test('an unclosed fence is reported', async (t) => {
  t.match(issuesOf(`${good()}\n\`\`\`\n### \`events/a/1\` — MUST — x\n`), [
    { message: /fenced code block is not closed/ },
  ]);
});

t.test('the error message lists issues as source:line', async (t) => {
  expectError(t, () => parseSpec(good('events/x/0'), 'my-spec.md'), {
    code: 'SPEC_INVALID',
    message:
      /^Failed to parse the spec my-spec\.md: 1 issue\n {2}my-spec\.md:1: requirement ID "events\/x\/0"/,
  });
});

t.test('loadSpec reads a file and names it when it cannot', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lpc-spec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'spec.md');
  writeFileSync(file, good());
  t.equal(loadSpec(file)[0].id, 'events/reconnect/3');
  expectError(t, () => loadSpec(join(dir, 'missing.md')), {
    code: 'SPEC_UNREADABLE',
    message: /^Failed to read the spec .*missing\.md: ENOENT/,
  });
});
