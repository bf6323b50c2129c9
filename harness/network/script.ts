import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import type { Micros } from '../sim/index.js';
import type { CapacityOverride, CapacitySpec } from './capacity-curve.js';
import { checkTrace, type MahimahiTrace, parseMahimahi } from './mahimahi.js';
import { NetworkError } from './network-error.js';
import { networkProfile, PROFILE_NAMES } from './profiles.js';
import {
  type BodyScript,
  type DnsAnswerScript,
  type HttpResponseScript,
  type LinkScript,
  type NetworkScript,
  NetworkScriptSchema,
} from './script-schema.js';
import type { LatencyWindow } from './shaped-link.js';

/** One reason a script was rejected: where, what was there, what was expected. */
export interface ScriptIssue {
  /** e.g. "uplink.steps[2].kbps" ("(script)" for the whole document). */
  path: string;
  /** The offending value, as JSON text ("missing" when absent). */
  value: string;
  expected: string;
}

export interface ParseScriptOptions {
  /** Name used in messages. Default "network script". */
  source?: string;
  /** Directory that `trace.file` paths are relative to. Default: the current directory. */
  baseDir?: string;
  /** How to read a string input. Default: YAML (a superset of JSON). */
  format?: 'yaml' | 'json';
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(script)' : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function valueText(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v instanceof Uint8Array) return `<${v.byteLength} bytes>`;
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function zodIssues(error: z.ZodError, input: unknown): ScriptIssue[] {
  const out: ScriptIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: pathText([...path, key]),
          value: valueText(valueAt(input, [...path, key])),
          expected: 'no such field',
        });
      }
      continue;
    }
    let expected = issue.message;
    const options = (issue as { options?: unknown }).options;
    if (issue.code === 'invalid_union' && Array.isArray(options)) {
      expected = `one of ${options.join(', ')}`;
    } else if (issue.code === 'invalid_value') {
      expected = `one of ${issue.values.map(String).join(', ')}`;
    } else if (issue.code === 'invalid_type' && expected.startsWith('Invalid input')) {
      expected = `a ${issue.expected}`;
    }
    out.push({ path: pathText(path), value: valueText(valueAt(input, path)), expected });
  }
  return out;
}

/** Checks that span fields (order of steps, windows, required alternatives). */
function crossChecks(s: NetworkScript): ScriptIssue[] {
  const out: ScriptIssue[] = [];
  const add = (path: string, value: unknown, expected: string) =>
    out.push({ path, value: valueText(value), expected });
  for (const dir of ['uplink', 'downlink'] as const) {
    const link = s[dir];
    if (!link) continue;
    const given = (['kbps', 'steps', 'trace'] as const).filter((k) => link[k] !== undefined);
    if (given.length > 1)
      add(`${dir}.${given[1]}`, link[given[1]], `only one of kbps, steps, trace (${given[0]} is given)`);
    if (link.steps) {
      if (link.steps[0].atMs !== 0)
        add(`${dir}.steps[0].atMs`, link.steps[0].atMs, '0 (the first step starts at 0)');
      for (let i = 1; i < link.steps.length; i++) {
        if (link.steps[i].atMs <= link.steps[i - 1].atMs) {
          add(
            `${dir}.steps[${i}].atMs`,
            link.steps[i].atMs,
            `a time after steps[${i - 1}].atMs (${link.steps[i - 1].atMs})`,
          );
        }
      }
    }
  }
  (s.toxics ?? []).forEach((tx, i) => {
    if (tx.type !== 'up' && tx.untilMs !== undefined && tx.untilMs <= (tx.atMs ?? 0)) {
      add(`toxics[${i}].untilMs`, tx.untilMs, `a time after atMs (${tx.atMs ?? 0})`);
    }
    if (tx.type === 'slicer' && (tx.sizeVariation ?? 0) >= tx.averageSize) {
      add(`toxics[${i}].sizeVariation`, tx.sizeVariation, `less than averageSize (${tx.averageSize})`);
    }
    if (tx.type === 'up') {
      const dirs = dirsOf(tx.direction);
      const opened = (s.toxics ?? []).some(
        (d) =>
          d.type === 'down' && (d.atMs ?? 0) <= tx.atMs && dirsOf(d.direction).some((x) => dirs.includes(x)),
      );
      if (!opened) add(`toxics[${i}].atMs`, tx.atMs, 'a time after a "down" toxic in the same direction');
    }
  });
  (s.connections ?? []).forEach((c, i) => {
    if (
      (c.fault === 'reset' || c.fault === 'close') &&
      c.afterMs === undefined &&
      c.afterBytes === undefined
    ) {
      add(`connections[${i}]`, c, `afterMs or afterBytes for a "${c.fault}" fault`);
    }
    if (c.target !== undefined && !/^(([^:\s]+|\[[0-9a-fA-F:.]+\]):)?\d{1,5}$/.test(c.target)) {
      add(`connections[${i}].target`, c.target, '"address:port" or "port"');
    }
    if (c.untilMs !== undefined && c.untilMs <= (c.fromMs ?? 0)) {
      add(`connections[${i}].untilMs`, c.untilMs, `a time after fromMs (${c.fromMs ?? 0})`);
    }
  });
  (s.http ?? []).forEach((rule, i) => {
    const u = rule.url.endsWith('*') ? rule.url.slice(0, -1) : rule.url;
    if (!URL.canParse(u)) add(`http[${i}].url`, rule.url, 'an absolute URL (optionally ending in "*")');
  });
  if (s.extends !== undefined && !(PROFILE_NAMES as readonly string[]).includes(s.extends)) {
    add('extends', s.extends, `one of ${PROFILE_NAMES.join(', ')}`);
  }
  return out;
}

function dirsOf(d: 'uplink' | 'downlink' | 'both' | undefined): ('uplink' | 'downlink')[] {
  return d === 'uplink' ? ['uplink'] : d === 'downlink' ? ['downlink'] : ['uplink', 'downlink'];
}

function reject(source: string, issues: ScriptIssue[]): never {
  const lines = issues.map((i) => `  ${i.path}: ${i.value} (expected ${i.expected})`);
  throw new NetworkError('INVALID_SCRIPT', `Invalid ${source}:\n${lines.join('\n')}`, { source, issues });
}

/**
 * Read and validate a network script (YAML/JSON text, or an already-parsed object). Returns the script
 * with `extends` merged in and every `trace.file` loaded inline, so the result is self-contained.
 * Throws NetworkError('INVALID_SCRIPT') listing every bad field as `path: value (expected ...)`.
 */
export function parseNetworkScript(input: unknown, options: ParseScriptOptions = {}): NetworkScript {
  const source = options.source ?? 'network script';
  let data = input;
  if (typeof input === 'string') {
    try {
      data = options.format === 'json' ? JSON.parse(input) : parseYaml(input);
    } catch (e) {
      const where =
        e instanceof YAMLParseError && e.linePos
          ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}`
          : '';
      throw new NetworkError(
        'INVALID_SCRIPT',
        `Failed to parse ${source}${where}: ${(e as Error).message.split('\n')[0]}`,
        {
          source,
        },
      );
    }
  }
  const parsed = NetworkScriptSchema.safeParse(data ?? {});
  if (!parsed.success) reject(source, zodIssues(parsed.error, data));
  const script = parsed.data;
  const cross = crossChecks(script);
  if (cross.length > 0) reject(source, cross);
  const merged = script.extends ? mergeProfile(networkProfile(script.extends), script) : script;
  return loadTraceFiles(merged, options.baseDir ?? '.', source);
}

/** Read a script file (YAML or JSON); trace files are relative to it. */
export function loadNetworkScript(path: string): NetworkScript {
  const text = readFileSync(path, 'utf8');
  return parseNetworkScript(text, {
    source: path,
    baseDir: dirname(path),
    format: path.endsWith('.json') ? 'json' : 'yaml',
  });
}

function mergeProfile(base: NetworkScript, over: NetworkScript): NetworkScript {
  const { extends: _ignored, ...rest } = over;
  return {
    ...base,
    ...rest,
    name: over.name ?? base.name,
    uplink: over.uplink ?? base.uplink,
    downlink: over.downlink ?? base.downlink,
    toxics: [...(base.toxics ?? []), ...(over.toxics ?? [])],
    connections: [...(over.connections ?? []), ...(base.connections ?? [])],
    dns: { ...(base.dns ?? {}), ...(over.dns ?? {}) },
    http: [...(over.http ?? []), ...(base.http ?? [])],
  };
}

function loadTraceFiles(s: NetworkScript, baseDir: string, source: string): NetworkScript {
  const load = (link: LinkScript | undefined, dir: string): LinkScript | undefined => {
    if (!link?.trace || !('file' in link.trace)) return link;
    const file = resolvePath(baseDir, link.trace.file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      reject(source, [
        {
          path: `${dir}.trace.file`,
          value: valueText(link.trace.file),
          expected: `a readable file (${(e as Error).message})`,
        },
      ]);
    }
    const trace = parseMahimahi(text, file);
    return { ...link, trace: { opportunitiesMs: [...trace.opportunitiesMs] } };
  };
  return { ...s, uplink: load(s.uplink, 'uplink'), downlink: load(s.downlink, 'downlink') };
}

// ---------------------------------------------------------------------------------------------------
// Resolution: a validated script → fully defaulted values in µs (what SimNetwork and LiveProxy run).
// ---------------------------------------------------------------------------------------------------
export type LinkName = 'uplink' | 'downlink';

export interface ResolvedLink {
  capacity: CapacitySpec;
  overrides: CapacityOverride[];
  delayUs: Micros;
  jitterUs: Micros;
  latency: LatencyWindow[];
  queueLimitBytes: number;
  queueLimitUs: Micros;
  drainFraction: number;
  maxBurstUs: Micros;
}

/** A toxic that acts on each connection open during its window (toxiproxy semantics). */
export type ResolvedConnectionToxic = {
  fromUs: Micros;
  untilUs: Micros;
  directions: LinkName[];
} & (
  | { type: 'slow_close'; delayUs: Micros }
  | { type: 'timeout'; timeoutUs: Micros }
  | { type: 'reset_peer'; timeoutUs: Micros }
  | { type: 'slicer'; averageSize: number; sizeVariation: number; delayUs: Micros }
  | { type: 'limit_data'; bytes: number }
);

export interface ResolvedConnectionFault {
  /** Index in the script (for the trace). */
  index: number;
  attempt: number | undefined;
  target: { address: string | undefined; port: number } | undefined;
  fromUs: Micros;
  untilUs: Micros;
  fault: 'ok' | 'refused' | 'unreachable' | 'timeout' | 'reset' | 'close' | 'half-open';
  afterUs: Micros | undefined;
  afterBytes: number | undefined;
  direction: LinkName;
}

export type DnsAnswer =
  | { kind: 'address'; address: string; family: 4 | 6; delayUs: Micros }
  | { kind: 'error'; error: 'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT'; delayUs: Micros };

export type HttpAnswer =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string>;
      body: Uint8Array;
      delayUs: Micros;
      bodyKbps: number | undefined;
      truncateAt: number | undefined;
      wrongBytes: boolean;
    }
  | { kind: 'fault'; fault: 'reset' | 'timeout' | 'refused'; delayUs: Micros };

export interface ResolvedHttpRule {
  url: string;
  prefix: boolean;
  answers: HttpAnswer[];
}

export interface ResolvedNetwork {
  name: string;
  uplink: ResolvedLink;
  downlink: ResolvedLink;
  /** Outage windows per direction (also in the links' overrides); a SYN sent into one is lost. */
  downWindows: Record<LinkName, { fromUs: Micros; untilUs: Micros }[]>;
  connectionToxics: ResolvedConnectionToxic[];
  connections: ResolvedConnectionFault[];
  connectTimeoutUs: Micros;
  unknownAddress: 'timeout' | 'refused' | 'unreachable';
  dns: Map<string, DnsAnswer[]>;
  httpDns: { host: string; path: string } | undefined;
  http: ResolvedHttpRule[];
}

/** Default DNS timeout before ETIMEOUT, µs (c-ares' 5 s first try). */
export const DEFAULT_DNS_TIMEOUT_US = 5_000_000;
/** Default time before a black-holed SYN gives up, µs (Linux: 1+2+4+8+16+32+64 s). */
export const DEFAULT_CONNECT_TIMEOUT_US = 127_000_000;

const us = (ms: number | undefined, dflt: number): Micros =>
  ms === undefined ? dflt : Math.round(ms * 1000);

function resolveLink(link: LinkScript | undefined, dir: LinkName, s: NetworkScript): ResolvedLink {
  let capacity: CapacitySpec = { kind: 'unlimited' };
  if (link?.kbps !== undefined) capacity = { kind: 'steps', steps: [{ atUs: 0, kbps: link.kbps }] };
  else if (link?.steps)
    capacity = { kind: 'steps', steps: link.steps.map((st) => ({ atUs: us(st.atMs, 0), kbps: st.kbps })) };
  else if (link?.trace && 'opportunitiesMs' in link.trace) {
    const o = link.trace.opportunitiesMs;
    const trace: MahimahiTrace = checkTrace(
      { opportunitiesMs: o, periodMs: o[o.length - 1] },
      `${dir}.trace`,
    );
    capacity = { kind: 'trace', trace };
  }
  const overrides: CapacityOverride[] = [];
  const latency: LatencyWindow[] = [];
  for (const tx of s.toxics ?? []) {
    if (tx.type === 'up' || !dirsOf(tx.direction).includes(dir)) continue;
    const fromUs = us(tx.atMs, 0);
    const untilUs = tx.untilMs === undefined ? Infinity : us(tx.untilMs, 0);
    if (tx.type === 'bandwidth') overrides.push({ kind: 'rate', fromUs, untilUs, kbps: tx.kbps });
    if (tx.type === 'latency')
      latency.push({ fromUs, untilUs, latencyUs: us(tx.latencyMs, 0), jitterUs: us(tx.jitterMs, 0) });
  }
  for (const w of downWindows(s, dir)) overrides.push({ kind: 'down', ...w });
  return {
    capacity,
    overrides,
    delayUs: us(link?.delayMs, 0),
    jitterUs: us(link?.jitterMs, 0),
    latency,
    queueLimitBytes: link?.queue?.bytes ?? (link?.queue?.ms !== undefined ? Infinity : 1024 * 1024),
    queueLimitUs: us(link?.queue?.ms, Infinity),
    drainFraction: link?.queue?.drainFraction ?? 0.5,
    maxBurstUs: us(link?.maxBurstMs, 10_000),
  };
}

function downWindows(s: NetworkScript, dir: LinkName): { fromUs: Micros; untilUs: Micros }[] {
  const events = (s.toxics ?? [])
    .filter((tx) => (tx.type === 'down' || tx.type === 'up') && dirsOf(tx.direction).includes(dir))
    .map((tx) => ({
      type: tx.type,
      fromUs: us(tx.atMs, 0),
      untilUs: tx.type === 'down' && tx.untilMs !== undefined ? us(tx.untilMs, 0) : Infinity,
    }))
    .sort((a, b) => a.fromUs - b.fromUs);
  const out: { fromUs: Micros; untilUs: Micros }[] = [];
  for (const e of events) {
    if (e.type === 'down') out.push({ fromUs: e.fromUs, untilUs: e.untilUs });
    else for (const w of out) if (w.untilUs === Infinity && w.fromUs <= e.fromUs) w.untilUs = e.fromUs;
  }
  return out;
}

function bodyBytes(b: BodyScript | undefined): Uint8Array {
  if (!b) return new Uint8Array(0);
  if ('text' in b) return new TextEncoder().encode(b.text);
  if ('base64' in b) return new Uint8Array(Buffer.from(b.base64, 'base64'));
  if ('bytes' in b) return b.bytes;
  return new Uint8Array(b.size).fill(b.fill ?? 0);
}

function resolveDns(a: DnsAnswerScript): DnsAnswer {
  if (typeof a === 'string')
    return { kind: 'address', address: a, family: a.includes(':') ? 6 : 4, delayUs: 0 };
  if ('address' in a) {
    return {
      kind: 'address',
      address: a.address,
      family: a.address.includes(':') ? 6 : 4,
      delayUs: us(a.delayMs, 0),
    };
  }
  return {
    kind: 'error',
    error: a.error,
    delayUs: us(a.delayMs, a.error === 'TIMEOUT' ? DEFAULT_DNS_TIMEOUT_US : 0),
  };
}

function resolveHttp(r: HttpResponseScript): HttpAnswer {
  if ('fault' in r) return { kind: 'fault', fault: r.fault, delayUs: us(r.delayMs, 0) };
  return {
    kind: 'response',
    status: r.status ?? 200,
    headers: r.headers ?? {},
    body: bodyBytes(r.body),
    delayUs: us(r.delayMs, 0),
    bodyKbps: r.bodyKbps,
    truncateAt: r.truncateAt,
    wrongBytes: r.wrongBytes ?? false,
  };
}

function parseTarget(t: string | undefined): ResolvedConnectionFault['target'] {
  if (t === undefined) return undefined;
  const i = t.lastIndexOf(':');
  if (i < 0) return { address: undefined, port: Number(t) };
  return { address: t.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(t.slice(i + 1)) };
}

/** Resolve a validated script (from `parseNetworkScript`) into defaulted µs values. */
export function resolveNetworkScript(input: NetworkScript): ResolvedNetwork {
  const s = input.extends ? parseNetworkScript(input) : input;
  const connectionToxics: ResolvedConnectionToxic[] = [];
  for (const tx of s.toxics ?? []) {
    const base = {
      fromUs: us('atMs' in tx ? tx.atMs : 0, 0),
      untilUs: 'untilMs' in tx && tx.untilMs !== undefined ? us(tx.untilMs, 0) : Infinity,
      directions: dirsOf(tx.direction),
    };
    if (tx.type === 'slow_close')
      connectionToxics.push({ ...base, type: tx.type, delayUs: us(tx.delayMs, 0) });
    if (tx.type === 'timeout')
      connectionToxics.push({ ...base, type: tx.type, timeoutUs: us(tx.timeoutMs, 0) });
    if (tx.type === 'reset_peer')
      connectionToxics.push({ ...base, type: tx.type, timeoutUs: us(tx.timeoutMs, 0) });
    if (tx.type === 'limit_data') connectionToxics.push({ ...base, type: tx.type, bytes: tx.bytes });
    if (tx.type === 'slicer') {
      connectionToxics.push({
        ...base,
        type: tx.type,
        averageSize: tx.averageSize,
        sizeVariation: tx.sizeVariation ?? 0,
        delayUs: tx.delayUs ?? 0,
      });
    }
  }
  const dns = new Map<string, DnsAnswer[]>();
  for (const [host, answers] of Object.entries(s.dns ?? {})) {
    dns.set(host.toLowerCase(), (Array.isArray(answers) ? answers : [answers]).map(resolveDns));
  }
  return {
    name: s.name ?? 'unnamed',
    uplink: resolveLink(s.uplink, 'uplink', s),
    downlink: resolveLink(s.downlink, 'downlink', s),
    downWindows: { uplink: downWindows(s, 'uplink'), downlink: downWindows(s, 'downlink') },
    connectionToxics,
    connections: (s.connections ?? []).map((c, index) => ({
      index,
      attempt: c.attempt,
      target: parseTarget(c.target),
      fromUs: us(c.fromMs, 0),
      untilUs: us(c.untilMs, Infinity),
      fault: c.fault,
      afterUs: 'afterMs' in c && c.afterMs !== undefined ? us(c.afterMs, 0) : undefined,
      afterBytes: 'afterBytes' in c ? c.afterBytes : undefined,
      direction: 'direction' in c && c.direction ? c.direction : 'uplink',
    })),
    connectTimeoutUs: us(s.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_US),
    unknownAddress: s.unknownAddress ?? 'timeout',
    dns,
    httpDns: s.httpDns ? { host: s.httpDns.host.toLowerCase(), path: s.httpDns.path ?? '/d' } : undefined,
    http: (s.http ?? []).map((r) => ({
      url: r.url.endsWith('*') ? r.url.slice(0, -1) : r.url,
      prefix: r.url.endsWith('*'),
      answers: (Array.isArray(r.responses) ? r.responses : [r.responses]).map(resolveHttp),
    })),
  };
}
