/**
 * Independent validation of media files with the static ffprobe/ffmpeg binaries shipped in npm packages
 * (`@ffprobe-installer/ffprobe`, `@ffmpeg-installer/ffmpeg`): stream parameters, frame counts, decoder
 * messages, and per-frame pixel statistics of the synthetic H.264 pictures.
 *
 * ffmpeg exits 0 on "error while decoding MB": its stderr at `-v error` is what counts, every line is an
 * error (see /work/shared/NOTES.md "Valid synthetic media").
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { type YuvFrameStats, yuvFrameStats } from './yuv-frame-stats.js';

export { markerRect, type YuvFrameStats, yuvFrameStats } from './yuv-frame-stats.js';

/** Absolute paths of the binaries used. */
export const FFPROBE_PATH: string = ffprobeInstaller.path;
export const FFMPEG_PATH: string = ffmpegInstaller.path;

/** A file path, or bytes plus the container they are in (written to a temporary file, removed after). */
export type MediaInput = string | { bytes: Uint8Array; format: 'flv' | 'h264' };

/** Stage names used in {@link MediaValidationError}. */
export type MediaValidationStage =
  | 'write-temp-file'
  | 'ffprobe'
  | 'parse-ffprobe-output'
  | 'ffmpeg-decode'
  | 'ffmpeg-rawvideo';

/** A failure of the validation machinery itself (not a finding about the media). */
export class MediaValidationError extends Error {
  override readonly name = 'MediaValidationError';
  constructor(
    readonly stage: MediaValidationStage,
    readonly file: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Options shared by every helper. */
export interface RunOptions {
  /** Kill the child process after this many ms. Default 30000. */
  timeoutMs?: number;
}

/** One stream as ffprobe reports it; numbers parsed, absent fields undefined. */
export interface ProbedStream {
  index: number;
  codecType: string;
  codecName: string;
  profile?: string;
  /** H.264 level_idc (e.g. 30 for 3.0). */
  level?: number;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
  /** Frames ffprobe decoded with `-count_frames` (nb_read_frames). */
  frameCount?: number;
  /** avg_frame_rate (or r_frame_rate) as a number; undefined when 0/0. */
  frameRate?: number;
}

/** Everything {@link probeMedia} found. */
export interface ProbeResult {
  formatName: string;
  streams: ProbedStream[];
  /** The first video / audio stream, for convenience. */
  video?: ProbedStream;
  audio?: ProbedStream;
  /** ffprobe's own stderr lines at `-v error` (expected empty). */
  messages: string[];
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_BUFFER = 64 * 1024 * 1024;

/** Runs ffprobe `-count_frames -show_streams` on the input. */
export async function probeMedia(input: MediaInput, options: RunOptions = {}): Promise<ProbeResult> {
  return withFile(input, async (file) => {
    const { stdout, stderr } = await run(
      'ffprobe',
      file,
      FFPROBE_PATH,
      [
        '-v',
        'error',
        '-count_frames',
        '-show_entries',
        'format=format_name:stream=index,codec_type,codec_name,profile,level,width,height,sample_rate,channels,nb_read_frames,avg_frame_rate,r_frame_rate',
        '-of',
        'json',
        file,
      ],
      options,
    );
    return parseProbe(file, stdout, stderr);
  });
}

/**
 * Decodes every stream with `ffmpeg -v error -i file -f null -` (a large muxing queue) and returns stderr's non-empty lines:
 * each is a decoder (or demuxer) error. An empty array means a clean decode.
 */
export async function decodeErrors(input: MediaInput, options: RunOptions = {}): Promise<string[]> {
  return withFile(input, async (file) => {
    const { stderr } = await run(
      'ffmpeg-decode',
      file,
      FFMPEG_PATH,
      // A large muxing queue: a capture whose video track goes quiet for a long stretch (camera failed,
      // background without a waiting image) while audio flows would otherwise overflow ffmpeg's interleaving
      // queue for the null output ("Too many packets buffered"), which says nothing about decoding.
      [
        '-nostdin',
        '-hide_banner',
        '-v',
        'error',
        '-i',
        file,
        '-max_muxing_queue_size',
        '65536',
        '-f',
        'null',
        '-',
      ],
      options,
    );
    return lines(stderr);
  });
}

/** Result of {@link decodeVideoFrames}. */
export interface DecodedVideo {
  width: number;
  height: number;
  frames: YuvFrameStats[];
  /** ffmpeg's stderr lines at `-v error` during this decode (expected empty). */
  messages: string[];
}

/**
 * Decodes the first video stream to raw yuv420p (`-f rawvideo -pix_fmt yuv420p`, no frame dropping or
 * duplication) and summarises each frame with {@link yuvFrameStats}. The size comes from ffprobe; after a
 * mid-stream resolution change ffmpeg scales later frames to the first size, so only the first size's
 * frames are pixel-exact.
 */
export async function decodeVideoFrames(input: MediaInput, options: RunOptions = {}): Promise<DecodedVideo> {
  return withFile(input, async (file) => {
    const probe = await probeFile(file, options);
    const video = probe.video;
    if (!video || video.width === undefined || video.height === undefined) {
      throw new MediaValidationError(
        'ffmpeg-rawvideo',
        file,
        `Failed to decode video frames of ${file}: no video stream with a size`,
      );
    }
    const { width, height } = video;
    const frameBytes = width * height * 1.5;
    const frames: YuvFrameStats[] = [];
    const pending = new Uint8Array(frameBytes);
    let filled = 0;
    const stderr = await spawnStreaming(
      'ffmpeg-rawvideo',
      file,
      FFMPEG_PATH,
      [
        '-nostdin',
        '-hide_banner',
        '-v',
        'error',
        '-i',
        file,
        '-map',
        '0:v:0',
        '-vsync',
        '0',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'yuv420p',
        '-',
      ],
      (chunk) => {
        let offset = 0;
        while (offset < chunk.length) {
          const take = Math.min(frameBytes - filled, chunk.length - offset);
          pending.set(chunk.subarray(offset, offset + take), filled);
          filled += take;
          offset += take;
          if (filled === frameBytes) {
            frames.push(yuvFrameStats(pending, width, height, frames.length));
            filled = 0;
          }
        }
      },
      options,
    );
    const messages = lines(stderr);
    if (filled !== 0)
      messages.push(`lpc: trailing partial frame of ${filled} bytes (expected ${frameBytes} per frame)`);
    return { width, height, frames, messages };
  });
}

async function probeFile(file: string, options: RunOptions): Promise<ProbeResult> {
  return probeMedia(file, options);
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
}

function parseProbe(file: string, stdout: string, stderr: string): ProbeResult {
  let json: { format?: { format_name?: string }; streams?: Array<Record<string, unknown>> };
  try {
    json = JSON.parse(stdout);
  } catch (error) {
    throw new MediaValidationError(
      'parse-ffprobe-output',
      file,
      `Failed to parse ffprobe output for ${file}: ${(error as Error).message}`,
      error,
    );
  }
  const num = (value: unknown): number | undefined => {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      return Number(value);
    return undefined;
  };
  const rate = (value: unknown): number | undefined => {
    if (typeof value !== 'string') return undefined;
    const [n, d] = value.split('/').map(Number);
    return d > 0 && n > 0 ? n / d : undefined;
  };
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const streams: ProbedStream[] = (json.streams ?? []).map((s) => ({
    index: num(s.index) ?? -1,
    codecType: str(s.codec_type) ?? 'unknown',
    codecName: str(s.codec_name) ?? 'unknown',
    profile: str(s.profile),
    level: s.codec_type === 'video' ? num(s.level) : undefined,
    width: num(s.width),
    height: num(s.height),
    sampleRate: num(s.sample_rate),
    channels: num(s.channels),
    frameCount: num(s.nb_read_frames),
    frameRate: rate(s.avg_frame_rate) ?? rate(s.r_frame_rate),
  }));
  return {
    formatName: json.format?.format_name ?? 'unknown',
    streams,
    video: streams.find((s) => s.codecType === 'video'),
    audio: streams.find((s) => s.codecType === 'audio'),
    messages: lines(stderr),
  };
}

async function withFile<T>(input: MediaInput, use: (file: string) => Promise<T>): Promise<T> {
  if (typeof input === 'string') return use(input);
  let dir: string;
  let file: string;
  try {
    dir = await mkdtemp(join(tmpdir(), 'lpc-media-'));
    file = join(dir, `input.${input.format}`);
    await writeFile(file, input.bytes);
  } catch (error) {
    throw new MediaValidationError(
      'write-temp-file',
      '(temporary file)',
      `Failed to write ${input.bytes.length} bytes of ${input.format} to a temporary file: ${(error as Error).message}`,
      error,
    );
  }
  try {
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(
  stage: MediaValidationStage,
  file: string,
  binary: string,
  args: string[],
  options: RunOptions,
): Promise<{ stdout: string; stderr: string }> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout, maxBuffer: MAX_BUFFER, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const reason = error.killed ? `killed after ${timeout} ms` : `exit code ${String(error.code)}`;
        reject(
          new MediaValidationError(
            stage,
            file,
            `Failed to run ${stage} on ${file}: ${reason}; stderr: ${stderr.trim().slice(0, 2000)}`,
            error,
          ),
        );
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

function spawnStreaming(
  stage: MediaValidationStage,
  file: string,
  binary: string,
  args: string[],
  onStdout: (chunk: Uint8Array) => void,
  options: RunOptions,
): Promise<string> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout, killSignal: 'SIGKILL' });
    let stderr = '';
    let failure: Error | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        onStdout(chunk);
      } catch (error) {
        failure = error as Error;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_BUFFER) stderr += chunk;
    });
    child.on('error', (error) => {
      reject(
        new MediaValidationError(stage, file, `Failed to start ${stage} on ${file}: ${error.message}`, error),
      );
    });
    child.on('close', (code, signal) => {
      if (failure) {
        reject(
          new MediaValidationError(
            stage,
            file,
            `Failed to read ${stage} output of ${file}: ${failure.message}`,
            failure,
          ),
        );
      } else if (code !== 0) {
        const reason = signal ? `killed by ${signal} (timeout ${timeout} ms)` : `exit code ${code}`;
        reject(
          new MediaValidationError(
            stage,
            file,
            `Failed to run ${stage} on ${file}: ${reason}; stderr: ${stderr.trim().slice(0, 2000)}`,
          ),
        );
      } else {
        resolve(stderr);
      }
    });
  });
}
