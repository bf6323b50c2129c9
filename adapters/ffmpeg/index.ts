/**
 * ffmpeg as an outside pusher (docs/examples/README.md): a process pusher factory for the live runner.
 */
import { fileURLToPath } from 'node:url';
import {
  createProcessPusherFactory,
  type ProcessPusherFactory,
  type ProcessTimeouts,
} from '../../harness/adapter/process/index.js';

export { FFMPEG_FPS, FFMPEG_GOP_FRAMES, ffmpegArgs, pictureSize } from './ffmpeg-args.js';
export { type FfmpegLogStep, type FfmpegStage, readFfmpegLine } from './ffmpeg-log.js';

const ENTRY = fileURLToPath(new URL('./ffmpeg-pusher-process.ts', import.meta.url));

/** The ffmpeg adapter, run with `node --import tsx` (options: timeouts, another ffmpeg via LPC_FFMPEG). */
export function ffmpegPusherFactory(
  options: { timeouts?: Partial<ProcessTimeouts>; ffmpeg?: string } = {},
): ProcessPusherFactory {
  return createProcessPusherFactory({
    command: process.execPath,
    args: ['--import', 'tsx', ENTRY],
    name: 'ffmpeg',
    env: options.ffmpeg ? { LPC_FFMPEG: options.ffmpeg } : {},
    timeouts: options.timeouts,
  });
}
