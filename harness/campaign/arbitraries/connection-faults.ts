import fc from 'fast-check';
import type { ConnectionFaultScript } from '../../network/index.js';
import { rarely } from './internal/rarely.js';
import { timeMs } from './internal/time-grid.js';

export interface ConnectionFaultsArbitraryOptions {
  /** Faults target attempts 1..maxAttempt (per case, counted by the network). Default 6. */
  maxAttempt?: number;
  /** At most this many attempt-specific faults. Default 2. */
  maxFaults?: number;
  /** 1 in (1 + weight) cases also get a fault on every other attempt (retries exhaust). Default 10. */
  persistentWeight?: number;
}

/** One connection's fault, without its attempt number (docs/network.md "Connection faults"). */
export type AttemptFault = Omit<ConnectionFaultScript, 'attempt' | 'target' | 'fromMs' | 'untilMs'>;

/** RTMP handshake sizes: C0+C1 and C2 up (3073 bytes), S0+S1+S2 down (3073 bytes). */
const HANDSHAKE_BYTES = 3073;

/**
 * Faults of one connection attempt: refused/unreachable/black-holed connects, a handshake cut by a reset
 * or a close after N bytes or by a silent peer, and an established connection reset, closed or gone
 * silent after some time. Shrinks towards `refused` (the simplest fault).
 */
export function attemptFaultArbitrary(): fc.Arbitrary<AttemptFault> {
  const afterMs = timeMs(500, 20_000);
  const handshakeBytes = fc.integer({ min: 0, max: HANDSHAKE_BYTES - 1 });
  return fc.oneof(
    { withCrossShrink: true },
    fc.constant<AttemptFault>({ fault: 'refused' }),
    fc.constant<AttemptFault>({ fault: 'unreachable' }),
    fc.constant<AttemptFault>({ fault: 'timeout' }),
    handshakeBytes.map<AttemptFault>((n) => ({ fault: 'reset', afterBytes: n, direction: 'uplink' })),
    handshakeBytes.map<AttemptFault>((n) => ({ fault: 'close', afterBytes: n, direction: 'downlink' })),
    fc.constant<AttemptFault>({ fault: 'half-open' }),
    afterMs.map<AttemptFault>((ms) => ({ fault: 'reset', afterMs: ms })),
    afterMs.map<AttemptFault>((ms) => ({ fault: 'close', afterMs: ms })),
    afterMs.map<AttemptFault>((ms) => ({ fault: 'half-open', afterMs: ms })),
  );
}

/**
 * Connect and handshake faults per attempt (the network script's `connections`): a few attempts with a
 * fault each (attempt numbers distinct, listed in attempt order), and rarely a fault on every attempt not
 * listed, so retries can run out. Shrinks to no fault.
 */
export function connectionFaultsArbitrary(
  options: ConnectionFaultsArbitraryOptions = {},
): fc.Arbitrary<ConnectionFaultScript[]> {
  const maxAttempt = options.maxAttempt ?? 6;
  return fc
    .record({
      perAttempt: fc.uniqueArray(
        fc.record({ attempt: fc.integer({ min: 1, max: maxAttempt }), fault: attemptFaultArbitrary() }),
        { maxLength: options.maxFaults ?? 2, selector: (f) => f.attempt },
      ),
      everyOther: rarely(attemptFaultArbitrary(), options.persistentWeight ?? 10),
    })
    .map(({ perAttempt, everyOther }) => {
      const list: ConnectionFaultScript[] = [...perAttempt]
        .sort((a, b) => a.attempt - b.attempt)
        .map((f) => ({ attempt: f.attempt, ...f.fault }) as ConnectionFaultScript);
      if (everyOther) list.push({ ...everyOther } as ConnectionFaultScript);
      return list;
    });
}
