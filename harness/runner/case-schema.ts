import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ATTRIBUTE_NAMES, type PusherAttributes } from '../adapter/types.js';
import { type DeviceScript, resolveDeviceScript } from '../devices/index.js';
import { type NetworkScript, parseNetworkScript } from '../network/index.js';

/** One validation problem: where, what was there, what was expected. */
export interface CaseIssue {
  path: string;
  value: string;
  expected: string;
}

/** A bad case file: `message` lists every issue as `file: path: value (expected ...)`. */
export class CaseDefinitionError extends Error {
  readonly code = 'INVALID_CASE';
  readonly issues: readonly CaseIssue[];
  readonly source: string;

  constructor(source: string, issues: CaseIssue[]) {
    super(
      `Failed to load case ${source}:\n${issues.map((i) => `  ${i.path}: ${i.value} (expected ${i.expected})`).join('\n')}`,
    );
    this.name = 'CaseDefinitionError';
    this.issues = issues;
    this.source = source;
  }
}

const OPERATIONS = ['start', 'stop', 'pause', 'resume', 'switchCamera', 'snapshot'] as const;

const actionSchema = z.union([
  z.strictObject({ atMs: z.number().int().nonnegative(), op: z.enum(OPERATIONS) }),
  z.strictObject({
    atMs: z.number().int().nonnegative(),
    op: z.literal('setAttributes'),
    attributes: z.record(z.string(), z.unknown()),
  }),
]);

const serverSchema = z
  .strictObject({
    /** Tencent-style signed URLs: the server checks txSecret with this key. */
    auth: z.strictObject({ key: z.string().min(1) }).optional(),
    /** Close every publisher at these times (ms). */
    kickAtMs: z.array(z.number().int().nonnegative()).optional(),
    /** Another client publishes the same stream first (the busy-URL case). */
    squatter: z.boolean().optional(),
  })
  .default({});

const waitingImageSchema = z.strictObject({
  /** The image's flat colour, RGB 0..255. */
  rgb: z.tuple([
    z.number().int().min(0).max(255),
    z.number().int().min(0).max(255),
    z.number().int().min(0).max(255),
  ]),
  width: z.number().int().min(1).max(4096).default(64),
  height: z.number().int().min(1).max(4096).default(64),
  /** Where the harness serves it (http://...). */
  url: z.string().url().default('http://cdn.lpc.test/waiting.png'),
});

export const caseSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/, 'a lower-case id like "reconnect/three-failures"'),
  title: z.string().min(1),
  /** Requirement IDs of docs/spec.md this case exercises. */
  requirements: z.array(z.string().min(1)).min(1),
  durationMs: z.number().int().positive().max(3_600_000),
  /** Capabilities the pusher must declare; otherwise the case is UNSUPPORTED. */
  needs: z.array(z.string()).default([]),
  /** Whether the case can run in live mode (real time, real sockets). */
  live: z.boolean().default(false),
  /** Decode every video frame after the run and record the picture colours (waiting-image checks). */
  decodeFrames: z.boolean().default(false),
  profile: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).default({}),
  network: z.unknown().optional(),
  devices: z.unknown().optional(),
  server: serverSchema,
  waitingImage: waitingImageSchema.optional(),
  actions: z.array(actionSchema).default([{ atMs: 0, op: 'start' as const }]),
});

export type CaseAction = z.infer<typeof actionSchema>;
export type ServerScript = z.infer<typeof serverSchema>;
export type WaitingImageScript = z.infer<typeof waitingImageSchema>;

/** A validated case: data only, ready to run against any pusher. */
export interface CaseDefinition
  extends Omit<z.infer<typeof caseSchema>, 'network' | 'devices' | 'attributes' | 'actions'> {
  attributes: Partial<PusherAttributes>;
  actions: (
    | { atMs: number; op: (typeof OPERATIONS)[number] }
    | { atMs: number; op: 'setAttributes'; attributes: Partial<PusherAttributes> }
  )[];
  network: NetworkScript;
  devices: DeviceScript;
  source: string;
}

/** The seed's kebab-case attribute names (and our camelCase ones) → PusherAttributes keys. */
function attributesFrom(
  raw: Record<string, unknown>,
  path: string,
  issues: CaseIssue[],
): Partial<PusherAttributes> {
  const out: Record<string, unknown> = {};
  const byName = ATTRIBUTE_NAMES as Record<string, keyof PusherAttributes>;
  const camel = new Set<string>(Object.values(ATTRIBUTE_NAMES));
  for (const [k, v] of Object.entries(raw)) {
    const key = byName[k] ?? (camel.has(k) ? k : undefined);
    if (!key) {
      issues.push({
        path: `${path}.${k}`,
        value: JSON.stringify(v),
        expected: `an attribute of the seed (${Object.keys(ATTRIBUTE_NAMES).join(', ')})`,
      });
      continue;
    }
    // Values are passed through as given: invalid values are part of what cases test.
    out[key] = v;
  }
  return out as Partial<PusherAttributes>;
}

function zodPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(case)';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): string {
  let cur: unknown = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return 'missing';
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur === undefined ? 'missing' : JSON.stringify(cur);
}

/** Validate a case from YAML/JSON text or a parsed object. Throws CaseDefinitionError naming every bad field. */
export function parseCase(input: unknown, source = 'case'): CaseDefinition {
  let data = input;
  if (typeof input === 'string') {
    try {
      data = parseYaml(input);
    } catch (e) {
      const where =
        e instanceof YAMLParseError && e.linePos
          ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}`
          : '(file)';
      throw new CaseDefinitionError(source, [
        { path: where, value: 'unparseable YAML', expected: (e as Error).message.split('\n')[0] },
      ]);
    }
  }
  const parsed = caseSchema.safeParse(data);
  if (!parsed.success) {
    throw new CaseDefinitionError(
      source,
      parsed.error.issues.map((i) => ({
        path: zodPath(i.path),
        value: valueAt(data, i.path),
        expected: i.message,
      })),
    );
  }
  const c = parsed.data;
  const issues: CaseIssue[] = [];
  const attributes = attributesFrom(c.attributes, 'attributes', issues);
  const actions = c.actions.map((a, i) =>
    a.op === 'setAttributes'
      ? {
          atMs: a.atMs,
          op: a.op,
          attributes: attributesFrom(a.attributes, `actions[${i}].attributes`, issues),
        }
      : a,
  );
  for (const [i, a] of c.actions.entries()) {
    if (a.atMs > c.durationMs)
      issues.push({
        path: `actions[${i}].atMs`,
        value: String(a.atMs),
        expected: `at most durationMs (${c.durationMs})`,
      });
  }
  let network: NetworkScript = {} as NetworkScript;
  try {
    network = parseNetworkScript(c.network ?? {}, { source: `${source} network` });
  } catch (e) {
    issues.push({
      path: 'network',
      value: '(see below)',
      expected: (e as Error).message.replace(/\n/g, '\n    '),
    });
  }
  let devices: DeviceScript | undefined;
  try {
    devices = resolveDeviceScript(c.devices ?? {});
  } catch (e) {
    issues.push({
      path: 'devices',
      value: '(see below)',
      expected: (e as Error).message.replace(/\n/g, '\n    '),
    });
  }
  if (issues.length > 0 || !devices) throw new CaseDefinitionError(source, issues);
  return { ...c, attributes, actions, network, devices, source };
}

export function loadCaseFile(path: string): CaseDefinition {
  return parseCase(readFileSync(path, 'utf8'), path);
}
