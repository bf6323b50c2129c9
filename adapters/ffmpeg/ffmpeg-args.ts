/**
 * What the ffmpeg adapter asks of ffmpeg for a case's attributes (docs/examples/README.md, "ffmpeg"):
 * a synthetic `testsrc` picture and `sine` tone, H.264 Constrained Baseline (libx264) + AAC-LC, FLV over
 * RTMP to the case URL. Only what ffmpeg can express is translated: the picture size from mode, orientation
 * and aspect; the video bitrate ceiling from max-bitrate; the audio format from audio-quality; silence
 * for muted. Everything else (beauty, waiting image, live attribute changes...) has no ffmpeg equivalent.
 */
import type { PusherAttributes } from '../../harness/adapter/types.js';

/** Frame rate and GOP of the synthetic source (2 s keyframe interval, like the reference). */
export const FFMPEG_FPS = 20;
export const FFMPEG_GOP_FRAMES = 40;

const SHORT_SIDE: Record<string, number> = { SD: 360, HD: 540, FHD: 1080, RTC: 360 };

/** The picture size ffmpeg encodes: short side by mode, long side by aspect (9:16 default), vertical default. */
export function pictureSize(attributes: Partial<PusherAttributes>): { width: number; height: number } {
  const short = SHORT_SIDE[String(attributes.mode ?? 'SD')] ?? 360;
  const long =
    attributes.aspect === '3:4' ? Math.round((short * 4) / 3 / 2) * 2 : Math.round((short * 16) / 9 / 2) * 2;
  return attributes.orientation === 'horizontal'
    ? { width: long, height: short }
    : { width: short, height: long };
}

function kbps(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n >= 50 && n <= 10_000 ? Math.round(n) : fallback;
}

/** The ffmpeg command line (without the executable) for one push of `url`. */
export function ffmpegArgs(attributes: Partial<PusherAttributes>, url: string): string[] {
  const { width, height } = pictureSize(attributes);
  const high = attributes.audioQuality === 'high';
  const sampleRate = high ? 48000 : 16000;
  const channels = high ? 2 : 1;
  const maxKbps = kbps(attributes.maxBitrate, 1000);
  const muted = attributes.muted === true || (attributes.muted as unknown) === 'true';
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'verbose',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${width}x${height}:rate=${FFMPEG_FPS}`,
    '-f',
    'lavfi',
    '-i',
    muted
      ? `anullsrc=channel_layout=${channels === 2 ? 'stereo' : 'mono'}:sample_rate=${sampleRate}`
      : `sine=frequency=440:sample_rate=${sampleRate}`,
    '-pix_fmt',
    'yuv420p',
    '-c:v',
    'libx264',
    '-profile:v',
    'baseline',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-g',
    String(FFMPEG_GOP_FRAMES),
    '-keyint_min',
    String(FFMPEG_GOP_FRAMES),
    '-sc_threshold',
    '0',
    '-b:v',
    `${maxKbps}k`,
    '-maxrate',
    `${maxKbps}k`,
    '-bufsize',
    `${maxKbps}k`,
    '-c:a',
    'aac',
    '-ar',
    String(sampleRate),
    '-ac',
    String(channels),
    '-b:a',
    high ? '64k' : '24k',
    // A stalled connection ends ffmpeg instead of hanging it (µs).
    '-rw_timeout',
    '10000000',
    '-f',
    'flv',
    url,
  ];
}
