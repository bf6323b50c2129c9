import { readFileSync } from 'node:fs';
import { ReportError } from './report-error.js';
import type { ComplianceReport } from './report-model.js';

/**
 * A minimal JSON Schema (2020-12) checker for exactly the keywords reports/report.schema.json uses, so
 * the schema file itself is what tests and `lpc diff/merge/replay` validate against (no second copy of
 * the rules). A keyword it does not know throws: the schema cannot silently rely on an unchecked rule.
 */
export type JsonSchema = { [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs']);
const CHECKED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'minimum',
  'pattern',
  '$ref',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const typeMatches = (v: unknown, t: string) => {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
};

const pointer = (path: string) => path || '/';

/** All violations of `value` against `schema`, each "<JSON pointer>: <what is wrong>". */
export function validateAgainstSchema(
  schema: JsonSchema,
  value: unknown,
  root: JsonSchema = schema,
): string[] {
  const errors: string[] = [];
  const visit = (s: JsonSchema, v: unknown, path: string): void => {
    for (const k of Object.keys(s))
      if (!ANNOTATIONS.has(k) && !CHECKED.has(k))
        throw new Error(
          `Failed to validate: the schema uses the keyword "${k}", which this checker does not implement`,
        );
    if (typeof s.$ref === 'string') {
      const m = /^#\/\$defs\/([^/]+)$/.exec(s.$ref);
      const target = m ? (root.$defs as Record<string, JsonSchema> | undefined)?.[m[1]] : undefined;
      if (!target) throw new Error(`Failed to validate: unresolvable $ref "${s.$ref}"`);
      visit(target, v, path);
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeMatches(v, t))) {
        errors.push(`${pointer(path)}: expected ${types.join(' or ')}, got ${typeOf(v)}`);
        return;
      }
    }
    if ('const' in s && v !== s.const)
      errors.push(`${pointer(path)}: expected ${JSON.stringify(s.const)}, got ${JSON.stringify(v)}`);
    if (Array.isArray(s.enum) && !s.enum.includes(v))
      errors.push(
        `${pointer(path)}: ${JSON.stringify(v)} is not one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`,
      );
    if (typeof s.minimum === 'number' && typeof v === 'number' && v < s.minimum)
      errors.push(`${pointer(path)}: ${v} is below the minimum ${s.minimum}`);
    if (typeof s.pattern === 'string' && typeof v === 'string' && !new RegExp(s.pattern, 'u').test(v))
      errors.push(`${pointer(path)}: ${JSON.stringify(v)} does not match ${s.pattern}`);
    if (Array.isArray(v) && s.items !== undefined)
      for (const [i, item] of v.entries()) visit(s.items as JsonSchema, item, `${path}/${i}`);
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      for (const r of (s.required ?? []) as string[])
        if (!(r in obj)) errors.push(`${pointer(path)}: missing required property "${r}"`);
      for (const [k, child] of Object.entries(obj)) {
        const at = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (k in props) visit(props[k], child, at);
        else if (s.additionalProperties === false)
          errors.push(`${pointer(path)}: unexpected property "${k}"`);
        else if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null)
          visit(s.additionalProperties as JsonSchema, child, at);
      }
    }
  };
  visit(schema, value, '');
  return errors;
}

let cached: JsonSchema | undefined;

/** reports/report.schema.json, parsed once. */
export function reportSchema(): JsonSchema {
  cached ??= JSON.parse(readFileSync(new URL('./report.schema.json', import.meta.url), 'utf8')) as JsonSchema;
  return cached;
}

/** Violations of report.schema.json (empty when `value` is a valid report.json). */
export function validateReport(value: unknown): string[] {
  return validateAgainstSchema(reportSchema(), value);
}

/** Read and validate a report.json file; throws ReportError (UNREADABLE, INVALID_REPORT) naming the file. */
export function readReportFile(path: string): ComplianceReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(
      'UNREADABLE',
      `Failed to read the report ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      { path },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ReportError(
      'INVALID_REPORT',
      `Failed to read the report ${path}: not JSON (${(e as Error).message})`,
      {
        path,
      },
    );
  }
  const errors = validateReport(value);
  if (errors.length > 0)
    throw new ReportError(
      'INVALID_REPORT',
      `Failed to read the report ${path}: not a schema-version-1 report.json (${errors[0]}${errors.length > 1 ? `, and ${errors.length - 1} more` : ''})`,
      { path, errors },
    );
  return value as ComplianceReport;
}
