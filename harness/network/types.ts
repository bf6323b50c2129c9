/**
 * Shared vocabulary of the network area: the interfaces a pusher is given (structurally the same as
 * `harness/adapter/types.ts`'s Transport, Resolver and HttpFetch, which a test checks) and the shaper
 * log's record kinds. Type-only: no runtime imports.
 */

/** An answer from a resolver. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Error codes a resolver rejects with, as Node's `dns` module spells them. */
export type DnsErrorCode = 'ENOTFOUND' | 'ESERVFAIL' | 'ETIMEOUT';

/** Shaped like Node's dns errors: message "<syscall> <code> <hostname>", `code`, `syscall`, `hostname`. */
export interface DnsError extends Error {
  code: DnsErrorCode;
  syscall: string;
  hostname: string;
}

export interface Resolver {
  /** Rejects with a DnsError: ENOTFOUND (NXDOMAIN), ESERVFAIL or ETIMEOUT. */
  resolve(host: string): Promise<ResolvedAddress>;
}

export interface HttpResponse {
  status: number;
  body: Uint8Array;
}

/** Codes a fetch rejects with (what Node's http client reports for the same failure). */
export type HttpErrorCode = 'ECONNRESET' | 'ECONNREFUSED' | 'ETIMEDOUT' | 'EHOSTUNREACH';

export interface HttpError extends Error {
  code: HttpErrorCode;
  url: string;
}

export interface HttpFetch {
  /** Rejects with an HttpError on transport failure (reset, refused, timeout, truncated body). */
  fetch(url: string, options?: { timeoutMs?: number }): Promise<HttpResponse>;
}

// ---------------------------------------------------------------------------------------------------
// Shaper log: what `TraceRecorder.record(kind, data)` receives from this area. `t` (virtual µs) is
// stamped by the recorder. `link` is "uplink" or "downlink"; `conn` the connection id (HTTP requests
// get ids too). Queue depth is the bottleneck backlog after the event.
// ---------------------------------------------------------------------------------------------------
export interface NetQueueFields {
  /** Bytes not yet transmitted by the bottleneck. */
  queueBytes: number;
  /** Time to transmit them, ms (µs precision); null when the link will never carry them. */
  queueMs: number | null;
}

export interface NetTraceData {
  /** Once per link at start: the effective capacity program (see CapacityCurve.segments). */
  'net.link': {
    link: string;
    segments: { atUs: number; kbps?: number | null; trace?: true }[];
    /** The Mahimahi trace followed by `trace` segments. */
    trace?: { periodMs: number; opportunitiesMs: number[] };
    delayUs: number;
    jitterUs: number;
    queueLimitBytes: number | null;
    queueLimitMs: number | null;
  };
  /**
   * Writes handed to the link: one record per write (default), or with `logQuantumMs` > 0 one per
   * connection and log window, written at the window's end with `writes` and the window's start `windowUs`.
   */
  'net.send': {
    link: string;
    conn: number;
    bytes: number;
    writes?: number;
    windowUs?: number;
  } & NetQueueFields;
  /**
   * Bytes that arrived at the receiver: one record per delivery batch (an instant; default), or per
   * connection and log window with `batches`, `fromUs`/`toUs` (first and last arrival). `kbps`: capacity
   * at the instant, or the mean capacity over the window.
   */
  'net.deliver': {
    link: string;
    conn: number;
    bytes: number;
    kbps: number | null;
    batches?: number;
    fromUs?: number;
    toUs?: number;
  } & NetQueueFields;
  /** The sender started seeing back-pressure. */
  'net.stall': { link: string; conn: number } & NetQueueFields;
  /** Back-pressure ended after `stalledUs`. */
  'net.drain': { link: string; conn: number; stalledUs: number };
  /** Undelivered bytes discarded (reset, network close). */
  'net.drop': { link: string; conn: number; bytes: number; reason: string };
  /** A FIN arrived. */
  'net.fin': { link: string; conn: number };
  'net.connect': { conn: number; host: string; port: number; attempt: number; fault: string; rule?: number };
  'net.connected': { conn: number; local: string };
  'net.connect_error': { conn: number; code: string };
  'net.accept': { conn: number };
  'net.reset': { conn: number; cause: string };
  'net.close': { conn: number; cause: string };
  'net.half_open': { conn: number };
  'net.toxic': { conn: number; type: string; phase: 'start' | 'end' };
  'net.dns.query': { host: string; attempt: number; via: 'dns' | 'httpdns' };
  'net.dns.answer': {
    host: string;
    attempt: number;
    address?: string;
    error?: string;
    via: 'dns' | 'httpdns';
  };
  'net.http.request': { conn: number; url: string; attempt: number; rule?: number };
  'net.http.response': {
    conn: number;
    url: string;
    attempt: number;
    status?: number;
    bytes?: number;
    error?: string;
    scripted: string;
  };
}

export type NetTraceKind = keyof NetTraceData;
