import type { Micros, Rng, Scheduler, TraceRecorder } from '../../sim/index.js';
import type { ResolvedConnectionFault, ResolvedConnectionToxic } from '../script.js';
import type { ShapedChannel } from '../shaped-channel.js';

/** A connection as the fault logic sees it (simulated or proxied live). */
export interface FaultTarget {
  readonly id: number;
  readonly uplink: ShapedChannel;
  readonly downlink: ShapedChannel;
  /** When the client saw 'connect', µs. Faults' `afterMs` count from here. */
  readonly establishedAt: Micros;
}

/** What the fault logic may do to a connection; each is a no-op once the connection is done. */
export interface FaultActions {
  isDone(): boolean;
  /** Both ends fail with ECONNRESET now. */
  reset(cause: string): void;
  /** Both ends read end-of-stream now (toxiproxy closing a connection). */
  closeBoth(cause: string): void;
  /** The server closes its end (FIN after what it sent). */
  serverClose(): void;
  /** The peer goes silent for good. */
  halfOpen(): void;
}

/** The first scripted rule matching this attempt, target and instant (script order decides). */
export function pickConnectionFault(
  rules: readonly ResolvedConnectionFault[],
  attempt: number,
  address: string,
  port: number,
  now: Micros,
): ResolvedConnectionFault | undefined {
  for (const r of rules) {
    if (r.attempt !== undefined && r.attempt !== attempt) continue;
    if (
      r.target &&
      (r.target.port !== port || (r.target.address !== undefined && r.target.address !== address))
    ) {
      continue;
    }
    if (now < r.fromUs || now >= r.untilUs) continue;
    return r;
  }
  return undefined;
}

/** Arm the after-connect part of a connection fault (reset/close after bytes or ms, half-open after ms). */
export function armConnectionFault(
  s: Scheduler,
  conn: FaultTarget,
  rule: ResolvedConnectionFault | undefined,
  actions: FaultActions,
): void {
  if (!rule) return;
  const at = (after: Micros, fn: () => void) => s.at(conn.establishedAt + after, fn, `conn${conn.id}:fault`);
  const channel = rule.direction === 'uplink' ? conn.uplink : conn.downlink;
  switch (rule.fault) {
    case 'reset':
      if (rule.afterBytes !== undefined)
        channel.cutAfter(rule.afterBytes, () => actions.reset('scripted reset'));
      else at(rule.afterUs ?? 0, () => actions.reset('scripted reset'));
      break;
    case 'close':
      if (rule.afterBytes !== undefined) channel.cutAfter(rule.afterBytes, () => actions.serverClose());
      else at(rule.afterUs ?? 0, () => actions.serverClose());
      break;
    case 'half-open':
      if (rule.afterUs) at(rule.afterUs, () => actions.halfOpen());
      break;
    default:
      break;
  }
}

/**
 * Apply the connection toxics (toxiproxy semantics) to a connection from its establishment on: each
 * toxic acts during [max(atMs, established), untilMs).
 */
export function armConnectionToxics(
  ctx: { scheduler: Scheduler; rng: Rng; trace: TraceRecorder | undefined },
  toxics: readonly ResolvedConnectionToxic[],
  conn: FaultTarget,
  actions: FaultActions,
): void {
  const s = ctx.scheduler;
  for (const tx of toxics) {
    if (tx.untilUs <= conn.establishedAt) continue;
    const start = Math.max(tx.fromUs, conn.establishedAt);
    const channels = tx.directions.map((d) => (d === 'uplink' ? conn.uplink : conn.downlink));
    const record = (phase: 'start' | 'end') =>
      ctx.trace?.record('net.toxic', { conn: conn.id, type: tx.type, phase });
    const label = `conn${conn.id}:${tx.type}`;
    const within = (t: Micros) => t < tx.untilUs;
    const during = (onStart: () => void, onEnd?: () => void) => {
      s.at(
        start,
        () => {
          if (actions.isDone()) return;
          record('start');
          onStart();
        },
        label,
      );
      if (onEnd && tx.untilUs !== Infinity) {
        s.at(
          tx.untilUs,
          () => {
            if (actions.isDone()) return;
            record('end');
            onEnd();
          },
          label,
        );
      }
    };
    switch (tx.type) {
      case 'slicer':
        during(
          () => {
            for (const ch of channels) {
              ch.setSlicer({
                averageSize: tx.averageSize,
                sizeVariation: tx.sizeVariation,
                delayUs: tx.delayUs,
                rng: ctx.rng.fork(`slicer/${conn.id}/${ch.link.name}`),
              });
            }
          },
          () => {
            for (const ch of channels) ch.setSlicer(undefined);
          },
        );
        break;
      case 'slow_close':
        during(
          () => {
            for (const ch of channels) ch.finDelayUs = tx.delayUs;
          },
          () => {
            for (const ch of channels) ch.finDelayUs = 0;
          },
        );
        break;
      case 'timeout':
        during(
          () => {
            for (const ch of channels) ch.hold();
          },
          () => {
            for (const ch of channels) ch.release();
          },
        );
        if (tx.timeoutUs > 0 && within(start + tx.timeoutUs)) {
          s.at(start + tx.timeoutUs, () => actions.closeBoth('timeout toxic'), label);
        }
        break;
      case 'reset_peer':
        if (within(start + tx.timeoutUs))
          s.at(start + tx.timeoutUs, () => actions.reset('reset_peer toxic'), label);
        break;
      case 'limit_data':
        during(
          () => {
            for (const ch of channels) {
              ch.cutAfter(ch.deliveredBytes + tx.bytes, () => actions.closeBoth('limit_data toxic'));
            }
          },
          () => {
            for (const ch of channels) ch.clearCut();
          },
        );
        break;
    }
  }
}
