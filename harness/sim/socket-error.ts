import { constants } from 'node:os';

/** Codes a simulated socket can fail with, matching what a real Node socket reports. */
export type SocketErrorCode =
  | 'ECONNRESET'
  | 'EPIPE'
  | 'ECONNREFUSED'
  | 'ETIMEDOUT'
  | 'EHOSTUNREACH'
  | 'ECONNABORTED';

export interface SocketErrnoError extends Error {
  code: SocketErrorCode;
  errno: number;
  syscall: string;
  address?: string;
  port?: number;
}

/** An error shaped like libuv's: `message` "<syscall> <CODE>", negative `errno`, `code` and `syscall`. */
export function socketError(
  code: SocketErrorCode,
  syscall: string,
  target?: { address: string; port: number },
): SocketErrnoError {
  const suffix = target ? ` ${target.address}:${target.port}` : '';
  const err = new Error(`${syscall} ${code}${suffix}`) as SocketErrnoError;
  err.code = code;
  err.errno = -(constants.errno[code] ?? 0);
  err.syscall = syscall;
  if (target) {
    err.address = target.address;
    err.port = target.port;
  }
  return err;
}
