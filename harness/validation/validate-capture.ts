/**
 * ffprobe's verdict on a case's capture, recorded as `validation.ffprobe`: the same for a simulated run
 * (harness/runner/run-case.ts) and a live one (harness/live/run-live-case.ts).
 */
import type { FlvTimeline } from '../observer/flv-demux.js';
import type { CaseDefinition } from '../runner/case-schema.js';
import type { TraceRecorder } from '../sim/index.js';
import { decodeErrors, decodeVideoFrames, probeMedia } from './ffprobe.js';

export async function validateCapture(
  def: CaseDefinition,
  flv: Uint8Array,
  timeline: FlvTimeline | undefined,
  trace: TraceRecorder,
  harnessErrors: string[],
): Promise<void> {
  const hasMedia = (timeline?.tags ?? []).some((t) => t.type === 'video' || t.type === 'audio');
  if (!hasMedia) {
    trace.record('validation.ffprobe', { skipped: 'no media reached the server' });
    return;
  }
  try {
    const [probe, errors] = await Promise.all([
      probeMedia({ bytes: flv, format: 'flv' }),
      decodeErrors({ bytes: flv, format: 'flv' }),
    ]);
    trace.record('validation.ffprobe', {
      errors: errors.slice(0, 20),
      errorCount: errors.length,
      video: probe.video
        ? {
            codec: probe.video.codecName ?? null,
            width: probe.video.width ?? null,
            height: probe.video.height ?? null,
            frames: probe.video.frameCount ?? null,
          }
        : null,
      audio: probe.audio
        ? {
            codec: probe.audio.codecName ?? null,
            sampleRate: probe.audio.sampleRate ?? null,
            channels: probe.audio.channels ?? null,
            frames: probe.audio.frameCount ?? null,
          }
        : null,
    });
  } catch (e) {
    harnessErrors.push(`ffprobe: ${(e as Error).message}`);
    trace.record('validation.ffprobe', { failed: (e as Error).message.slice(0, 500) });
  }
  if (!def.decodeFrames || !timeline) return;
  try {
    const decoded = await decodeVideoFrames({ bytes: flv, format: 'flv' });
    const samples = timeline.videoSamples;
    const runs: { fromMs: number; toMs: number; frames: number; y: number; cb: number; cr: number }[] = [];
    decoded.frames.forEach((f, i) => {
      const ts = samples[i]?.dts ?? -1;
      const last = runs[runs.length - 1];
      const y = Math.round(f.flatY);
      const cb = Math.round(f.flatCb);
      const cr = Math.round(f.flatCr);
      if (last && Math.abs(last.y - y) <= 2 && Math.abs(last.cb - cb) <= 2 && Math.abs(last.cr - cr) <= 2) {
        last.toMs = ts;
        last.frames++;
      } else {
        runs.push({ fromMs: ts, toMs: ts, frames: 1, y, cb, cr });
      }
    });
    trace.record('validation.frames', { decoded: decoded.frames.length, samples: samples.length, runs });
  } catch (e) {
    harnessErrors.push(`frame decode: ${(e as Error).message}`);
    trace.record('validation.frames', { failed: (e as Error).message.slice(0, 500) });
  }
}
