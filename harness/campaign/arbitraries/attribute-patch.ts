import fc from 'fast-check';

/**
 * One attribute change while the component lives (a `setAttributes` action, seed names): valid values,
 * and the invalid ones templates deliver (unknown enumeration values, out-of-range and fractional numbers,
 * numeric and boolean strings, an inverted bitrate pair), which docs/spec.md `attributes/invalid/*` rules.
 * The url is not changed (the observer watches the case's stream). Shrinks towards `{mode: SD}`.
 */
export function attributePatchArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  const one = (name: string, value: fc.Arbitrary<unknown>) => value.map((v) => ({ [name]: v }));
  const flag = fc.constantFrom<unknown>(true, false, 'true', 'false');
  const level = fc.constantFrom<unknown>(5, 0, 9, -3, 12, 4.6, '7');
  return fc.oneof(
    { withCrossShrink: true },
    one('mode', fc.constantFrom<unknown>('SD', 'HD', 'FHD', 'RTC', 'UHD')),
    one('orientation', fc.constantFrom<unknown>('horizontal', 'vertical', 'diagonal')),
    one('aspect', fc.constantFrom<unknown>('3:4', '9:16', '16:9')),
    one('min-bitrate', fc.constantFrom<unknown>(300, 100, 20, '250', 20_000)),
    one('max-bitrate', fc.constantFrom<unknown>(800, 1500, 300, '1200', 50_000)),
    fc.constantFrom<Record<string, unknown>>(
      { 'min-bitrate': 900, 'max-bitrate': 400 },
      { 'min-bitrate': 300, 'max-bitrate': 1200 },
    ),
    one('muted', flag),
    one('enable-camera', flag),
    one('audio-quality', fc.constantFrom<unknown>('high', 'low', 'ultra')),
    one('background-mute', flag),
    one('beauty', level),
    one('whiteness', level),
    one('auto-focus', flag),
    one('debug', flag),
  );
}
