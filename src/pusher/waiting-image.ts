import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import type { HttpFetch } from '../../harness/adapter/types.js';
import { rgbToYcbcr, type Ycbcr } from './colour.js';

export type WaitingImageResult =
  | { ok: true; colour: Ycbcr; width: number; height: number; md5: string }
  | {
      ok: false;
      reason: 'download-failed' | 'http-status' | 'hash-mismatch' | 'undecodable';
      detail: string;
    };

/**
 * Fetch and verify the waiting image (docs/pusher.md "Waiting image"): download over the injected HTTP
 * client, compare the MD5 of the bytes with `waiting-image-hash` (hex, case-insensitive; an empty hash
 * skips the check), decode it (PNG), and reduce it to the picture our encoder pushes: its mean colour.
 * Any failure means the image is not used.
 */
export async function loadWaitingImage(
  http: HttpFetch,
  url: string,
  expectedMd5: string,
): Promise<WaitingImageResult> {
  let body: Uint8Array;
  try {
    const res = await http.fetch(url, { timeoutMs: 10_000 });
    if (res.status !== 200)
      return { ok: false, reason: 'http-status', detail: `HTTP ${res.status} for ${url}` };
    body = res.body;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return {
      ok: false,
      reason: 'download-failed',
      detail: `${typeof code === 'string' ? code : ''} ${String(e)}`.trim(),
    };
  }
  const md5 = createHash('md5').update(body).digest('hex');
  if (expectedMd5 !== '' && md5 !== expectedMd5.trim().toLowerCase()) {
    return { ok: false, reason: 'hash-mismatch', detail: `md5 ${md5}, expected ${expectedMd5}` };
  }
  let decoded = decodedByMd5.get(md5);
  if (decoded === undefined) {
    decoded = decodeMeanColour(body);
    if (decodedByMd5.size >= 16) decodedByMd5.clear();
    decodedByMd5.set(md5, decoded);
  }
  return 'error' in decoded
    ? { ok: false, reason: 'undecodable', detail: decoded.error }
    : { ok: true, ...decoded, md5 };
}

type Decoded = { colour: Ycbcr; width: number; height: number } | { error: string };

/** Decoding is pure and slow (a full-size PNG); the same bytes are served again and again. */
const decodedByMd5 = new Map<string, Decoded>();

function decodeMeanColour(body: Uint8Array): Decoded {
  try {
    const png = PNG.sync.read(Buffer.from(body));
    let r = 0;
    let g = 0;
    let b = 0;
    const pixels = png.width * png.height;
    for (let i = 0; i < pixels * 4; i += 4) {
      r += png.data[i];
      g += png.data[i + 1];
      b += png.data[i + 2];
    }
    // Frozen: one decoded colour is shared by every load of the same bytes.
    const colour = Object.freeze(rgbToYcbcr(r / pixels, g / pixels, b / pixels));
    return { colour, width: png.width, height: png.height };
  } catch (e) {
    return { error: `not a PNG image: ${(e as Error).message}` };
  }
}
