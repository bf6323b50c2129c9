/**
 * Text from a pusher (event messages, identity) printed to a terminal: control characters (ANSI escape
 * sequences included) are shown as `\xNN`, so an untrusted pusher cannot drive the terminal.
 */
export function terminalText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}
