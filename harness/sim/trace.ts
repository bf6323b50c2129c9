import { createHash } from 'node:crypto';
import { SimError } from './sim-error.js';

/** Values a trace may hold: plain JSON, so a trace can be written, read back and compared byte for byte. */
export type TraceValue = null | boolean | number | string | TraceValue[] | { [key: string]: TraceValue };

/**
 * One timestamped record. `t` is virtual time in µs, `seq` the record's position in the trace, `kind` a
 * dotted name such as "pusher.event" or "net.deliver". The record kinds themselves are declared where they
 * are produced; this kernel only guarantees order, canonical form and the digest.
 */
export interface TraceRecord {
  readonly t: number;
  readonly seq: number;
  readonly kind: string;
  readonly data: { readonly [key: string]: TraceValue };
}

/** Canonical JSON: object keys sorted, no whitespace, -0 written as 0, non-finite numbers refused. */
export function canonicalJson(value: TraceValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new SimError(
          'INVALID_ARGUMENT',
          `Cannot serialise ${value} in a trace (expected a finite number)`,
          {
            value,
          },
        );
      }
      // String() writes finite numbers exactly as JSON.stringify does; -0 (=== 0) is written as 0.
      return value === 0 ? '0' : String(value);
    case 'string':
      return JSON.stringify(value);
    default:
      break;
  }
  // String building rather than arrays and joins: a campaign serialises millions of small records.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++)
      out += i === 0 ? canonicalJson(value[i]) : `,${canonicalJson(value[i])}`;
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = value[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * Collects records in the order they happen. Time comes from the injected `now` (the scheduler), never
 * the wall clock. Listeners see each record as it is added (live oracles, progress output).
 */
export class TraceRecorder {
  readonly #records: TraceRecord[] = [];
  readonly #now: () => number;
  readonly #listeners: ((r: TraceRecord) => void)[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  record(kind: string, data: { [key: string]: TraceValue | undefined } = {}): TraceRecord {
    const clean: { [key: string]: TraceValue } = {};
    for (const k of Object.keys(data)) {
      const v = data[k];
      if (v !== undefined) clean[k] = v;
    }
    const rec: TraceRecord = { t: this.#now(), seq: this.#records.length, kind, data: clean };
    this.#records.push(rec);
    for (const l of this.#listeners) l(rec);
    return rec;
  }

  onRecord(listener: (r: TraceRecord) => void): void {
    this.#listeners.push(listener);
  }

  get records(): readonly TraceRecord[] {
    return this.#records;
  }

  /** JSON Lines, one canonical record per line, ending with a newline. */
  toJsonLines(): string {
    return serializeTrace(this.#records);
  }

  /** SHA-256 (hex) of `toJsonLines()`. */
  digest(): string {
    return digestTrace(this.#records);
  }
}

/**
 * How a record kind's data is written: its keys in insertion order (to recognise the same shape again),
 * and in sorted order with their quoted prefixes. Records of one kind nearly always share a shape, so the
 * sort and the key quoting are done once per kind instead of once per record (a campaign serialises
 * ~2,000 records per scenario for its digest).
 */
interface KindPlan {
  readonly kindJson: string;
  readonly keys: readonly string[];
  readonly sortedKeys: readonly string[];
  readonly quotedKeys: readonly string[];
}
const kindPlans = new Map<string, KindPlan>();
const MAX_PLANNED_KINDS = 1024;

function planFor(kind: string, data: { readonly [key: string]: TraceValue }): KindPlan | undefined {
  const plan = kindPlans.get(kind);
  if (plan !== undefined) {
    const keys = plan.keys;
    let i = 0;
    for (const k in data) {
      if (k !== keys[i]) return undefined;
      i++;
    }
    return i === keys.length ? plan : undefined;
  }
  if (kindPlans.size >= MAX_PLANNED_KINDS) return undefined;
  const keys = Object.keys(data);
  const sortedKeys = [...keys].sort();
  const fresh: KindPlan = {
    kindJson: JSON.stringify(kind),
    keys,
    sortedKeys,
    quotedKeys: sortedKeys.map((k) => `${JSON.stringify(k)}:`),
  };
  kindPlans.set(kind, fresh);
  return fresh;
}

/** `canonicalJson({t, seq, kind, data})`, written out in its sorted key order (data, kind, seq, t). */
export function serializeRecord(r: TraceRecord): string {
  const plan = Object.getPrototypeOf(r.data) === Object.prototype ? planFor(r.kind, r.data) : undefined;
  if (plan === undefined) {
    const data = canonicalJson(r.data as { [key: string]: TraceValue });
    return `{"data":${data},"kind":${JSON.stringify(r.kind)},"seq":${canonicalJson(r.seq)},"t":${canonicalJson(r.t)}}`;
  }
  let out = '{"data":{';
  let first = true;
  const { sortedKeys, quotedKeys } = plan;
  for (let i = 0; i < sortedKeys.length; i++) {
    const v = r.data[sortedKeys[i]];
    if (v === undefined) continue;
    const text = canonicalJson(v);
    out += first ? quotedKeys[i] + text : `,${quotedKeys[i]}${text}`;
    first = false;
  }
  return `${out}},"kind":${plan.kindJson},"seq":${canonicalJson(r.seq)},"t":${canonicalJson(r.t)}}`;
}

export function serializeTrace(records: readonly TraceRecord[]): string {
  let out = '';
  for (const r of records) out += `${serializeRecord(r)}\n`;
  return out;
}

export function digestTrace(records: readonly TraceRecord[]): string {
  const h = createHash('sha256');
  // Records are encoded into one reused buffer and hashed a buffer at a time: one update per record, or
  // a long concatenated string (flattened by update), both cost more than the serialisation.
  const buf = Buffer.allocUnsafe(DIGEST_BUFFER_BYTES);
  let used = 0;
  for (const r of records) {
    const line = `${serializeRecord(r)}\n`;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (used + line.length * 3 > buf.length) {
      h.update(buf.subarray(0, used));
      used = 0;
      if (line.length * 3 > buf.length) {
        h.update(line);
        continue;
      }
    }
    used += buf.write(line, used);
  }
  if (used > 0) h.update(buf.subarray(0, used));
  return h.digest('hex');
}
const DIGEST_BUFFER_BYTES = 256 * 1024;

/** Parse JSON Lines written by `toJsonLines` back into records (for replays, diffs and offline oracles). */
export function parseTrace(text: string): TraceRecord[] {
  const out: TraceRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new SimError('INVALID_ARGUMENT', `Failed to parse trace line ${i + 1}: ${(e as Error).message}`, {
        line: i + 1,
      });
    }
    const r = parsed as Partial<TraceRecord>;
    if (typeof r.t !== 'number' || typeof r.seq !== 'number' || typeof r.kind !== 'string' || !r.data) {
      throw new SimError(
        'INVALID_ARGUMENT',
        `Failed to parse trace line ${i + 1}: expected {t, seq, kind, data}`,
        {
          line: i + 1,
        },
      );
    }
    out.push(r as TraceRecord);
  }
  return out;
}
