import fc from 'fast-check';
import { rarely } from './internal/rarely.js';
import { compact } from './internal/time-grid.js';

/** The push URL of every generated case: the harness substitutes the embedded server's host and a unique stream. */
export const CAMPAIGN_URL = 'rtmp://{host}/live/{stream}';

/** Invalid push URLs a page may pass (`attributes/url/1`: start() fails, nothing touches the network). */
export const INVALID_URLS = [
  'http://{host}/live/{stream}',
  'rtmp://{host}/live',
  'rtmp:///live/{stream}',
  '',
] as const;

/** The waiting image block of the case format (`waitingImage`), as generated. */
export interface WaitingImageDocument {
  rgb: [number, number, number];
}

export interface InitialAttributes {
  /** Seed (kebab-case) names, values as a template would pass them. */
  attributes: Record<string, unknown>;
  waitingImage?: WaitingImageDocument;
}

export interface InitialAttributesArbitraryOptions {
  /** Generate `waiting-image` (and the case's served image). Default true. */
  waitingImage?: boolean;
  /** Generate autopush=true sometimes. Default true. */
  autopush?: boolean;
}

const bitratePair = fc
  .tuple(fc.constantFrom(200, 100, 400, 600), fc.constantFrom(1000, 800, 1500, 2500))
  .map(([min, max]) => ({ min, max }));

/**
 * The attributes a page creates the pusher with (docs/spec.md area `attributes`): a mode, and rarely each
 * of orientation, aspect, a bitrate range, muted, enable-camera=false, audio-quality high, background-mute,
 * filters, focus, debug, autopush, a waiting image whose hash is right, wrong or absent, and (1 in 26) an
 * invalid push URL. Shrinks to
 * `{url, mode: SD}`.
 */
export function initialAttributesArbitrary(
  options: InitialAttributesArbitraryOptions = {},
): fc.Arbitrary<InitialAttributes> {
  const waitingImage =
    options.waitingImage === false
      ? fc.constant(undefined)
      : rarely(
          fc.record({
            rgb: fc.tuple(
              fc.integer({ min: 0, max: 255 }),
              fc.integer({ min: 0, max: 255 }),
              fc.integer({ min: 0, max: 255 }),
            ),
            hash: fc.constantFrom('right' as const, 'absent' as const, 'wrong' as const),
          }),
          3,
        );
  return fc
    .record({
      mode: fc.constantFrom('SD', 'HD', 'FHD', 'RTC'),
      invalidUrl: rarely(fc.constantFrom(...INVALID_URLS), 25),
      orientation: rarely(fc.constant('horizontal')),
      aspect: rarely(fc.constant('3:4')),
      bitrate: rarely(bitratePair, 4),
      muted: rarely(fc.constant(true)),
      enableCamera: rarely(fc.constant(false), 10),
      audioQuality: rarely(fc.constant('high'), 4),
      backgroundMute: rarely(fc.constant(true), 4),
      beauty: rarely(fc.integer({ min: 0, max: 9 })),
      whiteness: rarely(fc.integer({ min: 0, max: 9 })),
      autoFocus: rarely(fc.constant(false)),
      debug: rarely(fc.constant(true)),
      autopush: options.autopush === false ? fc.constant(undefined) : rarely(fc.constant(true), 10),
      waitingImage,
    })
    .map((a) => {
      const attributes = compact({
        url: a.invalidUrl ?? CAMPAIGN_URL,
        mode: a.mode,
        orientation: a.orientation,
        aspect: a.aspect,
        'min-bitrate': a.bitrate?.min,
        'max-bitrate': a.bitrate?.max,
        muted: a.muted,
        'enable-camera': a.enableCamera,
        'audio-quality': a.audioQuality,
        'background-mute': a.backgroundMute,
        beauty: a.beauty,
        whiteness: a.whiteness,
        'auto-focus': a.autoFocus,
        debug: a.debug,
        autopush: a.autopush,
        'waiting-image': a.waitingImage ? '{waitingImageUrl}' : undefined,
        'waiting-image-hash':
          a.waitingImage?.hash === 'right'
            ? '{waitingImageMd5}'
            : a.waitingImage?.hash === 'wrong'
              ? '00112233445566778899aabbccddeeff'
              : undefined,
      }) as Record<string, unknown>;
      return a.waitingImage ? { attributes, waitingImage: { rgb: a.waitingImage.rgb } } : { attributes };
    });
}
