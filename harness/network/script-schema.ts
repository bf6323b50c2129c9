import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The network script as data (YAML or JSON): the scenario-facing format described in docs/network.md.
 * Every schema carries its expectation as its error text, so a rejected script reads
 * `uplink.steps[2].kbps: -5 (expected a positive number)`.
 * Times are milliseconds (fractions allowed down to 1 µs), rates kbit/s, sizes bytes.
 */

const num = (what: string) => z.number({ error: what }).refine(Number.isFinite, { error: what });
const msAtLeast0 = (what = 'a number of ms >= 0') => num(what).refine((v) => v >= 0, { error: what });
const positive = (what = 'a positive number') => num(what).refine((v) => v > 0, { error: what });
const intAtLeast = (min: number, what: string) =>
  z.number({ error: what }).refine((v) => Number.isSafeInteger(v) && v >= min, { error: what });
const ipAddress = z
  .string({ error: 'an IP address' })
  .refine((v) => isIP(v) !== 0, { error: 'an IPv4 or IPv6 address' });

export const StepSchema = z.strictObject({
  atMs: msAtLeast0(),
  kbps: positive(),
});

export const TraceSourceSchema = z.union(
  [
    z.strictObject({
      file: z.string({ error: 'a path to a Mahimahi trace file' }).min(1, { error: 'a non-empty path' }),
    }),
    z.strictObject({
      opportunitiesMs: z
        .array(intAtLeast(0, 'an integer number of ms >= 0'), { error: 'a list of ms' })
        .min(1, { error: 'at least one delivery opportunity' }),
    }),
  ],
  { error: 'a trace: {file} or {opportunitiesMs}' },
);

export const QueueSchema = z.strictObject({
  bytes: intAtLeast(1, 'an integer number of bytes >= 1').optional(),
  ms: positive('a positive number of ms').optional(),
  /** A stalled sender is released once the backlog is under this share of the limits. Default 0.5. */
  drainFraction: num('a number in (0, 1]')
    .refine((v) => v > 0 && v <= 1, { error: 'a number in (0, 1]' })
    .optional(),
});

export const LinkSchema = z.strictObject({
  /** Constant capacity, kbit/s. */
  kbps: positive().optional(),
  /** Capacity steps, kbit/s from `atMs` on; the first at 0, strictly increasing. */
  steps: z
    .array(StepSchema, { error: 'a list of {atMs, kbps}' })
    .min(1, { error: 'at least one step' })
    .optional(),
  /** A Mahimahi trace (aligned on virtual time 0, wrapping). */
  trace: TraceSourceSchema.optional(),
  /** One-way propagation delay. Default 0. */
  delayMs: msAtLeast0().optional(),
  /** Uniform jitter amplitude (delay ± jitter, never reordering). Default 0. */
  jitterMs: msAtLeast0().optional(),
  /** Bottleneck queue limit. Default {bytes: 1048576, ms: none}. */
  queue: QueueSchema.optional(),
  /** Largest piece a big write is cut into, as ms of transmission. Default 10; 0 = never cut. */
  maxBurstMs: msAtLeast0().optional(),
});

const direction = z.enum(['uplink', 'downlink', 'both'], { error: 'one of uplink, downlink, both' });
const toxicBase = {
  /** Start, ms. Default 0. */
  atMs: msAtLeast0().optional(),
  /** End, ms (exclusive). Default: never. */
  untilMs: msAtLeast0().optional(),
  /** Default both. */
  direction: direction.optional(),
};

export const ToxicSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('latency'),
      ...toxicBase,
      latencyMs: msAtLeast0(),
      jitterMs: msAtLeast0().optional(),
    }),
    z.strictObject({ type: z.literal('bandwidth'), ...toxicBase, kbps: positive() }),
    z.strictObject({ type: z.literal('slow_close'), ...toxicBase, delayMs: msAtLeast0() }),
    z.strictObject({ type: z.literal('timeout'), ...toxicBase, timeoutMs: msAtLeast0() }),
    z.strictObject({ type: z.literal('reset_peer'), ...toxicBase, timeoutMs: msAtLeast0().optional() }),
    z.strictObject({
      type: z.literal('slicer'),
      ...toxicBase,
      averageSize: intAtLeast(1, 'an integer number of bytes >= 1'),
      sizeVariation: intAtLeast(0, 'an integer number of bytes >= 0').optional(),
      delayUs: intAtLeast(0, 'an integer number of µs >= 0').optional(),
    }),
    z.strictObject({
      type: z.literal('limit_data'),
      ...toxicBase,
      bytes: intAtLeast(0, 'an integer number of bytes >= 0'),
    }),
    z.strictObject({ type: z.literal('down'), ...toxicBase }),
    z.strictObject({ type: z.literal('up'), atMs: msAtLeast0(), direction: direction.optional() }),
  ],
  { error: 'a toxic' },
);

const attemptMatch = {
  /** 1-based connection attempt to the target this applies to. Default: every attempt not matched otherwise. */
  attempt: intAtLeast(1, 'an integer attempt number >= 1').optional(),
  /** "address:port" or "port"; default: any target. */
  target: z.string({ error: 'a target "address:port" or "port"' }).optional(),
  /** Only attempts made in [fromMs, untilMs). */
  fromMs: msAtLeast0().optional(),
  untilMs: msAtLeast0().optional(),
};
const byteDirection = z.enum(['uplink', 'downlink'], { error: 'one of uplink, downlink' });

export const ConnectionFaultSchema = z.discriminatedUnion(
  'fault',
  [
    z.strictObject({ fault: z.literal('ok'), ...attemptMatch }),
    z.strictObject({ fault: z.literal('refused'), ...attemptMatch }),
    z.strictObject({ fault: z.literal('unreachable'), ...attemptMatch }),
    z.strictObject({ fault: z.literal('timeout'), ...attemptMatch, afterMs: msAtLeast0().optional() }),
    z.strictObject({
      fault: z.literal('reset'),
      ...attemptMatch,
      afterMs: msAtLeast0().optional(),
      afterBytes: intAtLeast(0, 'an integer number of bytes >= 0').optional(),
      direction: byteDirection.optional(),
    }),
    z.strictObject({
      fault: z.literal('close'),
      ...attemptMatch,
      afterMs: msAtLeast0().optional(),
      afterBytes: intAtLeast(0, 'an integer number of bytes >= 0').optional(),
      direction: byteDirection.optional(),
    }),
    z.strictObject({ fault: z.literal('half-open'), ...attemptMatch, afterMs: msAtLeast0().optional() }),
  ],
  { error: 'a connection fault' },
);

export const DnsAnswerSchema = z.union(
  [
    ipAddress,
    z.strictObject({ address: ipAddress, delayMs: msAtLeast0().optional() }),
    z.strictObject({
      error: z.enum(['NXDOMAIN', 'SERVFAIL', 'TIMEOUT'], { error: 'one of NXDOMAIN, SERVFAIL, TIMEOUT' }),
      delayMs: msAtLeast0().optional(),
    }),
  ],
  { error: 'an address, {address, delayMs} or {error: NXDOMAIN|SERVFAIL|TIMEOUT, delayMs}' },
);

export const BodySchema = z.union(
  [
    z.strictObject({ text: z.string({ error: 'a string' }) }),
    z.strictObject({
      base64: z.string({ error: 'a base64 string' }).regex(/^[A-Za-z0-9+/=\s]*$/, { error: 'base64 text' }),
    }),
    z.strictObject({ bytes: z.instanceof(Uint8Array, { error: 'a Uint8Array' }) }),
    z.strictObject({
      size: intAtLeast(0, 'an integer number of bytes >= 0'),
      fill: intAtLeast(0, 'a byte value 0..255')
        .refine((v) => v <= 255, { error: 'a byte value 0..255' })
        .optional(),
    }),
  ],
  { error: 'a body: {text}, {base64}, {bytes} or {size, fill}' },
);

export const HttpResponseSchema = z.union(
  [
    z.strictObject({
      status: intAtLeast(100, 'an HTTP status 100..599')
        .refine((v) => v <= 599, { error: 'an HTTP status 100..599' })
        .optional(),
      headers: z.record(z.string(), z.string({ error: 'a header value string' })).optional(),
      body: BodySchema.optional(),
      /** Time to first byte after the request arrives. Default 0. */
      delayMs: msAtLeast0().optional(),
      /** Serve the body at this rate (slow body), on top of the link. Default: as fast as the link. */
      bodyKbps: positive().optional(),
      /** Close the connection after this many body bytes (the client sees ECONNRESET, like Node). */
      truncateAt: intAtLeast(0, 'an integer number of bytes >= 0').optional(),
      /** Serve different bytes of the same length (each byte inverted). */
      wrongBytes: z.boolean({ error: 'true or false' }).optional(),
    }),
    z.strictObject({
      fault: z.enum(['reset', 'timeout', 'refused'], { error: 'one of reset, timeout, refused' }),
      delayMs: msAtLeast0().optional(),
    }),
  ],
  { error: 'a response {status, body, ...} or {fault: reset|timeout|refused}' },
);

export const HttpRuleSchema = z.strictObject({
  /** Exact URL, or a prefix ending in "*". */
  url: z.string({ error: 'a URL' }).min(1, { error: 'a URL' }),
  /** One response, or one per attempt (the last repeats). */
  responses: z.union(
    [HttpResponseSchema, z.array(HttpResponseSchema).min(1, { error: 'at least one response' })],
    {
      error: 'a response or a list of responses',
    },
  ),
});

export const NetworkScriptSchema = z.strictObject({
  name: z.string({ error: 'a string' }).optional(),
  description: z.string({ error: 'a string' }).optional(),
  /** Start from a named profile: its links are used unless given here; lists are concatenated. */
  extends: z.string({ error: 'a profile name' }).optional(),
  uplink: LinkSchema.optional(),
  downlink: LinkSchema.optional(),
  toxics: z.array(ToxicSchema, { error: 'a list of toxics' }).optional(),
  connections: z.array(ConnectionFaultSchema, { error: 'a list of connection faults' }).optional(),
  /** When a black-holed SYN gives up with ETIMEDOUT, ms. Default 127000 (Linux, tcp_syn_retries = 6). */
  connectTimeoutMs: positive('a positive number of ms').optional(),
  /** What an address nobody listens on does to a connect: default "timeout" (black hole). */
  unknownAddress: z
    .enum(['timeout', 'refused', 'unreachable'], { error: 'one of timeout, refused, unreachable' })
    .optional(),
  /** Answers per host name, one per attempt (the last repeats). Unknown names: NXDOMAIN. */
  dns: z
    .record(
      z.string(),
      z.union([DnsAnswerSchema, z.array(DnsAnswerSchema).min(1, { error: 'at least one answer' })]),
      {
        error: 'a map of host name to answers',
      },
    )
    .optional(),
  /** Serve the `dns` answers over HTTP too: GET http://<host><path>?dn=<name> → "1.2.3.4". */
  httpDns: z
    .strictObject({
      host: z.string({ error: 'a host name' }).min(1, { error: 'a host name' }),
      path: z.string({ error: 'a path' }).optional(),
    })
    .optional(),
  http: z.array(HttpRuleSchema, { error: 'a list of HTTP rules' }).optional(),
});

export type NetworkScript = z.infer<typeof NetworkScriptSchema>;
export type LinkScript = z.infer<typeof LinkSchema>;
export type ToxicScript = z.infer<typeof ToxicSchema>;
export type ConnectionFaultScript = z.infer<typeof ConnectionFaultSchema>;
export type DnsAnswerScript = z.infer<typeof DnsAnswerSchema>;
export type HttpRuleScript = z.infer<typeof HttpRuleSchema>;
export type HttpResponseScript = z.infer<typeof HttpResponseSchema>;
export type BodyScript = z.infer<typeof BodySchema>;
