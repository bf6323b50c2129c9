/**
 * Reading ffmpeg's log (docs/examples/README.md, "How ffmpeg is measured"). ffmpeg has no event codes of
 * its own; the adapter derives the seed's codes from what `-loglevel verbose` prints, and nothing else:
 *
 * | ffmpeg prints | stage | derived |
 * |---|---|---|
 * | `Failed to resolve hostname …` | connecting | 3001 |
 * | `Connection to tcp://… failed: Connection refused` (or timed out, unreachable) | connecting | 3002 |
 * | `Successfully connected to … port …` | → connected | 1001 |
 * | `Stream mapping:` (printed once the output is open: RTMP connect + publish accepted) | → publishing | 1002 |
 * | `End of file`, `Broken pipe`, `Input/output error` | connected or publishing | 3004 |
 * | `Connection reset by peer`, `Connection timed out` | connected or publishing | 3005 |
 *
 * After TCP is up, ffmpeg does not say whether the RTMP handshake or the publish failed, so a close before
 * `Stream mapping:` is reported like a close while publishing (3004 orderly, 3005 reset), never 3003.
 * ffmpeg never reconnects, so no 1102 / -1307 is ever derived.
 */
export type FfmpegStage = 'idle' | 'connecting' | 'connected' | 'publishing' | 'ended';

export interface FfmpegLogStep {
  stage: FfmpegStage;
  event?: { code: number; message: string };
}

const CONNECT_FAILED =
  /Connection to tcp:\/\/\S+ failed|Connection refused|No route to host|Network is unreachable/i;
const ORDERLY_END = /End of file|Broken pipe|Input\/output error|Server error|Error writing trailer/i;
const RESET = /Connection reset by peer|Connection timed out|Operation timed out/i;

/** Advance the stage with one stderr line; the event the adapter emits for it, if any. */
export function readFfmpegLine(stage: FfmpegStage, line: string): FfmpegLogStep {
  if (stage === 'ended' || stage === 'idle') return { stage };
  if (stage === 'connecting') {
    if (
      /Failed to resolve hostname|Name or service not known|Temporary failure in name resolution/i.test(line)
    )
      return {
        stage: 'ended',
        event: { code: 3001, message: `DNS resolution failed (ffmpeg: ${line.trim()})` },
      };
    if (/Successfully connected to \S+ port \d+/.test(line))
      return {
        stage: 'connected',
        event: { code: 1001, message: `Connected to the server (ffmpeg: ${line.trim()})` },
      };
    if (CONNECT_FAILED.test(line))
      return {
        stage: 'ended',
        event: { code: 3002, message: `Failed to connect to the server (ffmpeg: ${line.trim()})` },
      };
    return { stage };
  }
  if (stage === 'connected' && /^Stream mapping:/.test(line.trim()))
    return {
      stage: 'publishing',
      event: { code: 1002, message: 'Publishing (ffmpeg opened the RTMP output)' },
    };
  if (RESET.test(line))
    return { stage: 'ended', event: { code: 3005, message: `Connection failed (ffmpeg: ${line.trim()})` } };
  if (ORDERLY_END.test(line))
    return {
      stage: 'ended',
      event: { code: 3004, message: `The server closed the connection (ffmpeg: ${line.trim()})` },
    };
  return { stage };
}
