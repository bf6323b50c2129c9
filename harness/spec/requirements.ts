import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DERIVED_PREFIX, extractSeedQuotes } from './seed-quotes.js';
import { SpecError } from './spec-error.js';
import type { Requirement, RequirementLevel, SpecArea, SpecIssue } from './types.js';

export type { Requirement, RequirementLevel, SpecArea, SpecIssue } from './types.js';

/** The spec document of this repository: docs/spec.md. */
export const DEFAULT_SPEC_PATH: string = fileURLToPath(new URL('../../docs/spec.md', import.meta.url));

export const REQUIREMENT_LEVELS: readonly RequirementLevel[] = ['MUST', 'SHOULD', 'INFORMATIONAL'];

/** The areas in the order docs/spec.md presents them. */
export const SPEC_AREAS: readonly SpecArea[] = [
  'attributes',
  'operations',
  'events',
  'reconnect',
  'bitrate',
  'background',
  'waiting-image',
  'devices',
  'wire',
  'stream',
];

/** `<area>/<topic>/<n>`: lower-case segments of letters, digits and `-`, n a positive integer. */
export const REQUIREMENT_ID_PATTERN = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*\/[1-9][0-9]*$/;

const HEADING_FORM = '### `area/topic/n` — MUST|SHOULD|INFORMATIONAL — title';
const HEADING = /^###\s+`([^`]*)`\s+—\s+(\S+)\s+—\s+(\S.*)$/;
const FIELD = /^- \*\*(\w+):\*\*(?:\s+(.*))?$/;
/** Every requirement has these, in this order. */
const REQUIRED_FIELDS = ['Seed', 'Criterion', 'Why'] as const;
/** Then optionally: how the oracle reads a rule the seed leaves open (decisions written down). */
const FIELDS = [...REQUIRED_FIELDS, 'Interpretation'] as const;
type FieldName = (typeof FIELDS)[number];
const FENCE = /^\s*(```|~~~)/;
const CONTINUATION = /^ {2,}\S/;

interface Draft {
  id: string;
  level: RequirementLevel;
  title: string;
  line: number;
  fields: Partial<Record<FieldName, { text: string; line: number }>>;
  last: FieldName | undefined;
}

/**
 * Parse the requirement blocks of a spec document (docs/spec.md "How to read a requirement"). Every level-3
 * heading is a requirement; text under other headings is prose and ignored, and so are fenced code blocks.
 * Field texts have their continuation lines joined with single spaces.
 *
 * Throws `SpecError` `SPEC_INVALID` listing every issue with its line and what was expected.
 */
export function parseSpec(text: string, source = 'docs/spec.md'): Requirement[] {
  const issues: SpecIssue[] = [];
  const requirements: Requirement[] = [];
  const firstLine = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  let inFence = false;
  let draft: Draft | undefined;

  const finish = (): void => {
    if (!draft) return;
    const d = draft;
    draft = undefined;
    const missing = REQUIRED_FIELDS.filter((f) => d.fields[f] === undefined || d.fields[f].text === '');
    for (const f of missing) {
      issues.push({
        line: d.line,
        message: `requirement ${d.id} has no ${f} (expected a non-empty "- **${f}:** ..." line)`,
      });
    }
    if (missing.length > 0) return;
    const seed = d.fields.Seed!;
    if (!seed.text.startsWith('"') && !seed.text.startsWith(DERIVED_PREFIX)) {
      issues.push({
        line: seed.line,
        message: `requirement ${d.id}: Seed must be verbatim seed text in double quotes or start with "${DERIVED_PREFIX}", found "${excerpt(seed.text)}"`,
      });
      return;
    }
    if (seed.text.startsWith('"')) {
      try {
        extractSeedQuotes(seed.text);
      } catch (e) {
        issues.push({
          line: seed.line,
          message: `requirement ${d.id}: Seed quotes are malformed (${(e as Error).message}; write a literal " as \\")`,
        });
        return;
      }
    }
    const [area, topic] = d.id.split('/');
    requirements.push({
      id: d.id,
      area: area as SpecArea,
      topic,
      level: d.level,
      title: d.title,
      seed: seed.text,
      criterion: d.fields.Criterion!.text,
      why: d.fields.Why!.text,
      ...(d.fields.Interpretation ? { interpretation: d.fields.Interpretation.text } : {}),
      line: d.line,
    });
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineNo = i + 1;
    if (FENCE.test(line)) {
      finish();
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (line.startsWith('#')) {
      finish();
      if (/^###(\s|$)/.test(line)) draft = parseHeading(line, lineNo, issues, firstLine);
      continue;
    }
    if (!draft) continue;
    if (line.trim() === '') continue;
    const field = FIELD.exec(line);
    if (field) {
      const name = field[1];
      const value = (field[2] ?? '').trim();
      if (!(FIELDS as readonly string[]).includes(name)) {
        issues.push({
          line: lineNo,
          message: `requirement ${draft.id}: unknown field "${name}" (expected ${FIELDS.join(', ')})`,
        });
        draft.last = undefined;
        continue;
      }
      const fname = name as FieldName;
      if (draft.fields[fname]) {
        issues.push({
          line: lineNo,
          message: `requirement ${draft.id}: ${fname} appears twice (first at line ${draft.fields[fname].line})`,
        });
        draft.last = undefined;
        continue;
      }
      const expected = FIELDS.find((f) => draft?.fields[f] === undefined);
      if (expected !== fname) {
        issues.push({
          line: lineNo,
          message: `requirement ${draft.id}: expected "- **${expected}:**" here, found "- **${fname}:**" (fields come in the order ${FIELDS.join(', ')})`,
        });
      }
      draft.fields[fname] = { text: value, line: lineNo };
      draft.last = fname;
      continue;
    }
    if (CONTINUATION.test(line) && draft.last) {
      const f = draft.fields[draft.last]!;
      f.text = f.text === '' ? line.trim() : `${f.text} ${line.trim()}`;
      continue;
    }
    issues.push({
      line: lineNo,
      message: `requirement ${draft.id}: expected a field line "- **Seed:**", "- **Criterion:**", "- **Why:**" or "- **Interpretation:**", or a continuation indented by two spaces, found "${excerpt(line)}"`,
    });
  }
  finish();
  if (inFence) issues.push({ line: lines.length, message: 'a fenced code block is not closed' });

  if (issues.length > 0) {
    issues.sort((a, b) => a.line - b.line);
    const shown = issues.slice(0, 10).map((s) => `  ${source}:${s.line}: ${s.message}`);
    if (issues.length > 10) shown.push(`  ... and ${issues.length - 10} more`);
    throw new SpecError(
      'SPEC_INVALID',
      `Failed to parse the spec ${source}: ${issues.length} issue${issues.length === 1 ? '' : 's'}\n${shown.join('\n')}`,
      { source },
      issues,
    );
  }
  return requirements;
}

function parseHeading(
  line: string,
  lineNo: number,
  issues: SpecIssue[],
  firstLine: Map<string, number>,
): Draft | undefined {
  const m = HEADING.exec(line);
  if (!m) {
    issues.push({
      line: lineNo,
      message: `expected a requirement heading "${HEADING_FORM}" (every ### heading is a requirement; use an em dash —), found "${excerpt(line)}"`,
    });
    return undefined;
  }
  const [, id, level, title] = m;
  let ok = true;
  if (!REQUIREMENT_ID_PATTERN.test(id)) {
    issues.push({
      line: lineNo,
      message: `requirement ID "${id}" is not of the form area/topic/n (lower-case letters, digits and -, n from 1)`,
    });
    ok = false;
  } else {
    const area = id.split('/')[0];
    if (!(SPEC_AREAS as readonly string[]).includes(area)) {
      issues.push({
        line: lineNo,
        message: `requirement ${id}: unknown area "${area}" (expected one of ${SPEC_AREAS.join(', ')})`,
      });
      ok = false;
    }
  }
  if (!(REQUIREMENT_LEVELS as readonly string[]).includes(level)) {
    issues.push({
      line: lineNo,
      message: `requirement ${id}: level "${level}" is not one of ${REQUIREMENT_LEVELS.join(', ')}`,
    });
    ok = false;
  }
  const previous = firstLine.get(id);
  if (previous !== undefined) {
    issues.push({ line: lineNo, message: `duplicate requirement ID ${id} (first at line ${previous})` });
    ok = false;
  } else {
    firstLine.set(id, lineNo);
  }
  if (!ok) return undefined;
  return {
    id,
    level: level as RequirementLevel,
    title: title.trim(),
    line: lineNo,
    fields: {},
    last: undefined,
  };
}

function excerpt(text: string): string {
  const t = text.trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

/**
 * Read and parse a spec document; by default this repository's docs/spec.md (the single source of truth
 * for requirement IDs). Throws `SpecError` `SPEC_UNREADABLE` or `SPEC_INVALID`.
 */
export function loadSpec(path: string | URL = DEFAULT_SPEC_PATH): Requirement[] {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecError('SPEC_UNREADABLE', `Failed to read the spec ${file}: ${(e as Error).message}`, {
      path: file,
    });
  }
  return parseSpec(text, file);
}
