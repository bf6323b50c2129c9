import type { TraceRecord, TraceValue } from '../harness/sim/trace.js';
import type { CaseTimeline, TimelineEntry, TimelineKind, TimelineWindow } from './report-model.js';

/** At most this many timeline entries per case in the report (the trace artefact keeps them all). */
export const TIMELINE_LIMIT = 300;
/** Labels are cut to this many characters (a pusher's message can be anything). */
export const LABEL_LIMIT = 200;

const str = (v: TraceValue | undefined) => (v === undefined || v === null ? '' : String(v));
const cut = (s: string) => (s.length > LABEL_LIMIT ? `${s.slice(0, LABEL_LIMIT - 1)}…` : s);

function entryOf(r: TraceRecord): { kind: TimelineKind; label: string } | undefined {
  const d = r.data;
  switch (r.kind) {
    case 'pusher.event':
      return { kind: 'event', label: `${str(d.code)} ${str(d.message)}` };
    case 'pusher.op':
      if (d.phase === 'call') return { kind: 'operation', label: `${str(d.op)}() called` };
      if (d.phase === 'result')
        return {
          kind: 'operation',
          label: `${str(d.op)}() ${d.ok ? 'ok' : 'fail'}${d.errMsg ? `: ${str(d.errMsg)}` : ''}`,
        };
      return { kind: 'operation', label: `${str(d.op)}() never settled` };
    case 'pusher.attributes':
      return {
        kind: 'operation',
        label: `attributes changed: ${Object.keys((d.attributes as Record<string, unknown>) ?? {}).join(', ')}`,
      };
    case 'pusher.crash':
      return { kind: 'crash', label: `pusher threw (${str(d.where)}): ${str(d.message)}` };
    case 'harness.error':
      return { kind: 'crash', label: `harness error: ${str(d.message)}` };
    case 'app.state':
      return d.initial ? undefined : { kind: 'app', label: `app → ${str(d.state)}` };
    case 'net.connect':
      return {
        kind: 'network',
        label: `connect #${str(d.conn)} to ${str(d.host)}:${str(d.port)}${d.fault && d.fault !== 'none' ? ` (fault: ${str(d.fault)})` : ''}`,
      };
    case 'net.connected':
      return { kind: 'network', label: `connection #${str(d.conn)} established` };
    case 'net.connect_error':
      return { kind: 'network', label: `connect #${str(d.conn)} failed: ${str(d.code)}` };
    case 'net.reset':
      return { kind: 'network', label: `connection #${str(d.conn)} reset` };
    case 'net.fin':
      return { kind: 'network', label: `connection #${str(d.conn)} closed (FIN)` };
    case 'server.postPublish':
      return { kind: 'server', label: `server: publishing ${str(d.streamPath)}` };
    case 'server.donePublish':
      return { kind: 'server', label: 'server: publish ended' };
    case 'server.reject':
      return { kind: 'server', label: `server rejected the publish (${str(d.reason)})` };
    case 'server.kick':
      return { kind: 'server', label: `server closed the connection (${str(d.reason)})` };
    case 'case.end':
      return { kind: 'case', label: 'case ends (pusher disposed)' };
    default:
      return undefined;
  }
}

/**
 * The event timeline of one case, from its trace alone (pure): events, operations, crashes, app state,
 * connections and server decisions, at most `TIMELINE_LIMIT` of them; and the windows drawn behind it:
 * the app in the background (`app.state`) and, when the case sets `waitingImage`, the part of each
 * background window during which the waiting image should be on air (profile `waitingImageKeepAliveMs`).
 */
export function caseTimeline(records: readonly TraceRecord[]): CaseTimeline {
  const entries: TimelineEntry[] = [];
  let omitted = 0;
  for (const r of records) {
    const e = entryOf(r);
    if (!e) continue;
    if (entries.length >= TIMELINE_LIMIT) {
      omitted++;
      continue;
    }
    entries.push({ atMs: r.t / 1000, kind: e.kind, label: cut(e.label) });
  }
  const start = records.find((r) => r.kind === 'case.start');
  const endRec = records.find((r) => r.kind === 'case.end') ?? records[records.length - 1];
  const endMs = endRec ? endRec.t / 1000 : 0;
  const attributes = (start?.data.attributes ?? {}) as Record<string, TraceValue>;
  const profile = (start?.data.profileValues ?? {}) as Record<string, TraceValue>;
  const keepAliveMs =
    typeof profile.waitingImageKeepAliveMs === 'number' ? profile.waitingImageKeepAliveMs : Infinity;
  const windows: TimelineWindow[] = [];
  let since: number | undefined;
  const close = (toMs: number) => {
    if (since === undefined) return;
    windows.push({ fromMs: since, toMs, kind: 'background' });
    if (attributes.waitingImage)
      windows.push({ fromMs: since, toMs: Math.min(toMs, since + keepAliveMs), kind: 'waiting-image' });
    since = undefined;
  };
  for (const r of records) {
    if (r.kind !== 'app.state' || r.t / 1000 > endMs) continue;
    if (r.data.state === 'background' && since === undefined) since = r.t / 1000;
    else if (r.data.state === 'foreground') close(r.t / 1000);
  }
  close(endMs);
  return { entries, omitted, windows };
}
