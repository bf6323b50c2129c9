import type { HttpError, HttpErrorCode } from './types.js';

/** "Failed to fetch <url>: <CODE> (<reason>)", with `code` and `url` set. */
export function httpError(code: HttpErrorCode, url: string, reason: string): HttpError {
  const err = new Error(`Failed to fetch ${url}: ${code} (${reason})`) as HttpError;
  err.code = code;
  err.url = url;
  return err;
}
