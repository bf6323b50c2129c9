import { excerpt, fail, notApplicable, ofKind, pass, str } from './trace-query.js';
import type { Check } from './types.js';

/** wire/handshake/3: no byte beyond C0+C1 before S0+S1 arrived (the wire tap flags `c2-before-s1`). */
export const noC2BeforeS1: Check = {
  requirement: 'wire/handshake/3',
  always: true,
  evaluate(trace) {
    const handshakes = ofKind(trace, 'wire.handshake').filter((r) => str(r, 'event') === 'c0c1');
    if (handshakes.length === 0) return notApplicable('no RTMP handshake was attempted');
    const violations = ofKind(trace, 'wire.violation').filter((r) => str(r, 'rule') === 'c2-before-s1');
    if (violations.length > 0) {
      return fail(`C2 sent before S1 was received: ${str(violations[0], 'detail')}`, {
        atMs: violations[0].t / 1000,
        evidence: excerpt([...violations, ...ofKind(trace, 'wire.handshake')]),
      });
    }
    return pass(`${handshakes.length} handshake(s), C2 always after S0+S1`);
  },
};

export const WIRE_CHECKS: readonly Check[] = [noC2BeforeS1];
