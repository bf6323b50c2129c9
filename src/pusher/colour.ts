/** BT.601 limited-range conversions between RGB (0..255) and the Y/Cb/Cr of our pictures. */
export interface Ycbcr {
  y: number;
  cb: number;
  cr: number;
}

const clampByte = (v: number, lo = 0, hi = 255) => Math.min(hi, Math.max(lo, Math.round(v)));

export function rgbToYcbcr(r: number, g: number, b: number): Ycbcr {
  return {
    y: clampByte(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255, 16, 235),
    cb: clampByte(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255, 16, 240),
    cr: clampByte(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255, 16, 240),
  };
}

export function ycbcrToRgb(c: Ycbcr): [number, number, number] {
  const y = (c.y - 16) * 1.164;
  const cb = c.cb - 128;
  const cr = c.cr - 128;
  return [clampByte(y + 1.596 * cr), clampByte(y - 0.392 * cb - 0.813 * cr), clampByte(y + 2.017 * cb)];
}
