/**
 * Parses a push URL `rtmp://host[:port]/app[/...]/streamName[?query]` into the parts the RTMP
 * `connect` and `publish` commands need (RTMP 1.0 spec 7.2.1.1 tcUrl/app, 7.2.2.6 publishing name).
 *
 * The query string (e.g. Tencent's `txSecret=...&txTime=...`) passes through untouched, as real pushers
 * send it: appended to the publishing name (`publish("name?txSecret=..&txTime=..")`) and to the tcUrl.
 */

import { RtmpError } from './rtmp-error.js';

/** Port used when the URL names none. */
export const DEFAULT_RTMP_PORT = 1935;

/** A parsed push URL. */
export interface RtmpUrl {
  /** Host name or address as written (IPv6 without brackets). */
  host: string;
  /** TCP port, 1..65535; default 1935. */
  port: number;
  /** Application: every path segment but the last, joined by '/' (e.g. 'live' or 'app/instance'). */
  app: string;
  /** The last path segment, without the query. */
  streamName: string;
  /** The raw query string without '?', or '' when there is none. */
  query: string;
  /** `rtmp://host[:port]/app[?query]`, sent as `tcUrl` in `connect`. */
  tcUrl: string;
  /** `streamName[?query]`, sent to `releaseStream`, `FCPublish` and `publish`. */
  publishName: string;
}

const EXPECTED = 'rtmp://host[:port]/app/streamName[?query]';

function fail(url: string, reason: string): never {
  throw new RtmpError('URL', `Failed to parse RTMP URL "${url}": ${reason}; expected ${EXPECTED}`, {
    field: 'url',
    value: url,
    expected: EXPECTED,
    reason,
  });
}

/** Parses `url`; throws `RtmpError` 'URL' (context: field 'url', value, expected, reason). */
export function parseRtmpUrl(url: string): RtmpUrl {
  if (typeof url !== 'string') fail(String(url), `the URL is a ${typeof url}, not a string`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\s\u0000-\u001f\u007f]/.test(url)) fail(url, 'it contains whitespace or control characters');
  const scheme = url.slice(0, 7).toLowerCase();
  if (scheme !== 'rtmp://') {
    const found = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
    fail(url, found === undefined ? 'it has no scheme' : `scheme "${found}" is not supported`);
  }
  if (url.includes('#')) fail(url, 'fragments (#) are not allowed');
  const rest = url.slice(7);
  const queryAt = rest.indexOf('?');
  const query = queryAt === -1 ? '' : rest.slice(queryAt + 1);
  const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const slash = beforeQuery.indexOf('/');
  if (slash === -1) fail(url, 'the path with app and stream name is missing');
  const authority = beforeQuery.slice(0, slash);
  const path = beforeQuery.slice(slash + 1);

  if (authority.includes('@')) fail(url, 'user information (user@host) is not supported');
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) fail(url, 'the IPv6 address has no closing "]"');
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail(url, `unexpected "${after}" after the IPv6 address`);
    if (after !== '') portText = after.slice(1);
    if (!/^[0-9A-Fa-f:.]+$/.test(host) || !host.includes(':'))
      fail(url, `host "${host}" is not an IPv6 address`);
  } else {
    const colon = authority.indexOf(':');
    host = colon === -1 ? authority : authority.slice(0, colon);
    if (colon !== -1) portText = authority.slice(colon + 1);
    if (host === '') fail(url, 'the host is empty');
    if (!/^[A-Za-z0-9._-]+$/.test(host))
      fail(url, `host "${host}" contains characters a host name cannot have`);
  }
  let port = DEFAULT_RTMP_PORT;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText)) fail(url, `port "${portText}" is not a number`);
    port = Number(portText);
    if (port < 1 || port > 65535) fail(url, `port ${port} is outside 1..65535`);
  }

  const segments = path.split('/');
  if (segments.length < 2) fail(url, `the path "/${path}" has no stream name after the app`);
  const empty = segments.indexOf('');
  if (empty !== -1) {
    fail(
      url,
      empty === segments.length - 1 ? 'the stream name is empty' : `the path "/${path}" has an empty segment`,
    );
  }
  const app = segments.slice(0, -1).join('/');
  const streamName = segments[segments.length - 1]!;
  const suffix = query === '' ? '' : `?${query}`;
  return {
    host,
    port,
    app,
    streamName,
    query,
    tcUrl: `rtmp://${authority}/${app}${suffix}`,
    publishName: `${streamName}${suffix}`,
  };
}
