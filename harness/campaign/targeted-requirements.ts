import type { CaseDocument } from './case-document.js';

/**
 * The requirements a generated case targets, derived from what it injects (docs/spec.md IDs; an entry
 * ending in "/" names every requirement under it). The checks marked `always` (wire and stream rules) run
 * in every case anyway, and campaigns judge every check where the trace exercises it; this list decides
 * which requirements a case must report on, INDETERMINATE when the run did not get there.
 */
const BASE = [
  'events/connect/1',
  'events/push-begin/1',
  'events/order/',
  'events/critical/1',
  'operations/start/1',
  'operations/callbacks/1',
  'attributes/url/2',
  'attributes/mode/1',
  'attributes/orientation/1',
  'attributes/aspect/1',
  'attributes/bindstatechange/1',
  'devices/camera/2',
  'devices/release/1',
  'reconnect/single-connection/1',
  'bitrate/net-status/1',
];
const RECONNECT = ['events/reconnect/', 'reconnect/'];

const PATCH_KEYS: Record<string, string[]> = {
  mode: ['attributes/mode/1', 'bitrate/events/2'],
  orientation: ['attributes/orientation/2'],
  aspect: ['attributes/orientation/2'],
  'min-bitrate': ['attributes/max-bitrate/2', 'attributes/min-bitrate/1'],
  'max-bitrate': ['attributes/max-bitrate/2', 'attributes/max-bitrate/1'],
  muted: ['attributes/muted/1'],
  'enable-camera': ['attributes/enable-camera/'],
  'audio-quality': ['attributes/audio-quality/3'],
  beauty: ['attributes/beauty/1'],
  whiteness: ['attributes/whiteness/1'],
  'auto-focus': ['attributes/auto-focus/1'],
  'background-mute': ['attributes/background-mute/1'],
  debug: ['attributes/debug/1'],
};

/** The feature → requirement table, as data (docs/campaigns.md prints it). */
export function requirementPatterns(doc: CaseDocument): string[] {
  const out = [...BASE];
  const add = (...ids: string[]) => out.push(...ids);
  const a = doc.attributes;
  if (a.url !== 'rtmp://{host}/live/{stream}') add('attributes/url/1');
  add(a.autopush === true || a.autopush === 'true' ? 'attributes/autopush/1' : 'attributes/autopush/2');
  if (a.muted !== undefined) add('attributes/muted/1');
  if (a['enable-camera'] !== undefined) add('attributes/enable-camera/');
  if (a['audio-quality'] !== undefined) add('attributes/audio-quality/1', 'attributes/audio-quality/2');
  if (a['min-bitrate'] !== undefined) add('attributes/min-bitrate/1', 'attributes/max-bitrate/1');
  if (a.beauty !== undefined) add('attributes/beauty/1');
  if (a.whiteness !== undefined) add('attributes/whiteness/1');
  if (a['auto-focus'] !== undefined) add('attributes/auto-focus/1');
  if (a.debug !== undefined) add('attributes/debug/1');
  if (a['waiting-image'] !== undefined) add('attributes/waiting-image/1', 'attributes/waiting-image-hash/1');

  const net = doc.network;
  const dns = Object.values(net?.dns ?? {}).flat();
  if (dns.some((x) => typeof x === 'object' && 'error' in x)) add('events/network/1', ...RECONNECT);
  for (const c of net?.connections ?? []) {
    add(...RECONNECT);
    if (c.fault === 'refused' || c.fault === 'unreachable' || c.fault === 'timeout') add('events/network/2');
    else if ('afterBytes' in c || (c.fault === 'half-open' && c.afterMs === undefined))
      add('events/network/3');
    else if (c.fault === 'close') add('events/network/4');
    else add('events/network/5');
  }
  for (const t of net?.toxics ?? []) {
    if (t.type === 'reset_peer') add('events/network/5', ...RECONNECT);
    if (t.type === 'down') add(...RECONNECT, 'bitrate/drop/1', 'bitrate/recover/1');
  }
  if ((doc.server?.kickAtMs?.length ?? 0) > 0) add('events/network/4', ...RECONNECT);
  const up = net?.uplink;
  if ((up?.steps?.length ?? 0) > 1 || (up?.kbps ?? 4000) < 1000)
    add('bitrate/', 'events/net-busy/', 'attributes/min-bitrate/1', 'attributes/max-bitrate/1');

  const d = doc.devices ?? {};
  if (d.cameras?.front?.open || d.cameras?.front?.failAfterMs !== undefined) add('events/camera/2');
  if (d.microphone?.open || d.microphone?.failAfterMs !== undefined) add('events/microphone/1');
  const hw = d.videoEncoders?.hardware;
  if (hw?.open || hw?.failAtFrame !== undefined) add('events/encoder/1', 'devices/encoder/2');
  if (hw?.overloadAtMs !== undefined) add('events/encoder/6');
  const sw = d.videoEncoders?.software;
  if (sw?.open || sw?.failAtFrame !== undefined) add('events/encoder/2');
  if (d.videoEncoders?.maxPixels !== undefined) add('events/encoder/4');
  if (d.audioEncoder?.open || d.audioEncoder?.failAtFrame !== undefined) add('events/encoder/3');
  if (d.audioEncoder?.supportedSampleRates) add('events/encoder/5');
  if (JSON.stringify({ ...d, app: undefined }) !== '{}') add('events/critical/1', 'operations/start/3');

  if ((d.app?.length ?? 0) > 0) {
    add('background/', 'attributes/background-mute/1');
    if (a['waiting-image'] !== undefined) add('waiting-image/');
  }

  const ops = new Set(doc.actions.map((x) => x.op));
  const starts = doc.actions.filter((x) => x.op === 'start').length;
  if (starts > 1) add('operations/start/2', 'operations/start/3');
  if (ops.has('stop')) add('operations/stop/', 'wire/teardown/1');
  if (ops.has('pause') || ops.has('resume'))
    add('operations/pause/1', 'operations/resume/1', 'operations/idle/1');
  if (ops.has('switchCamera')) add('operations/switch-camera/', 'events/camera/1');
  if (ops.has('snapshot')) add('operations/snapshot/');
  if (ops.has('stop') && doc.actions[0]?.op !== 'start') add('operations/idle/1');
  for (const x of doc.actions) {
    if (x.op !== 'setAttributes') continue;
    add('attributes/invalid/');
    for (const k of Object.keys(x.attributes)) add(...(PATCH_KEYS[k] ?? []));
  }
  return out;
}

/** Expand the patterns against the spec's requirement IDs (sorted, unique, only IDs that exist). */
export function targetedRequirements(doc: CaseDocument, knownIds: readonly string[]): string[] {
  const patterns = new Set(requirementPatterns(doc));
  const out = knownIds.filter((id) => {
    if (patterns.has(id)) return true;
    for (const p of patterns) if (p.endsWith('/') && id.startsWith(p)) return true;
    return false;
  });
  return [...new Set(out)].sort();
}
