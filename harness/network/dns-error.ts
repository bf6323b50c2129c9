import type { DnsError, DnsErrorCode } from './types.js';

/** Scripted DNS failure → the code Node's `dns` module reports for it. */
export const DNS_ERROR_CODES: Record<'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT', DnsErrorCode> = {
  NXDOMAIN: 'ENOTFOUND',
  SERVFAIL: 'ESERVFAIL',
  TIMEOUT: 'ETIMEOUT',
};

/**
 * An error shaped exactly like Node's c-ares errors (`dns.promises.resolve4`): message
 * "queryA ENOTFOUND live.test", `code`, `syscall`, `hostname`, and no numeric `errno`.
 */
export function dnsError(code: DnsErrorCode, hostname: string, syscall = 'queryA'): DnsError {
  const err = new Error(`${syscall} ${code} ${hostname}`) as DnsError;
  err.code = code;
  err.syscall = syscall;
  err.hostname = hostname;
  return err;
}
