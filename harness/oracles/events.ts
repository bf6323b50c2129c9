import { eventsWithCode, excerpt, fail, ms, notApplicable, num, ofKind, pass } from './trace-query.js';
import type { Check } from './types.js';

/** E: the default deadline between a fact the pusher can observe and its event (docs/spec.md Conventions). */
export const EVENT_DEADLINE_MS = 1000;

/** events/connect/1: one 1001 per established TCP connection, within E, none without one. */
export const connectSucceeded: Check = {
  requirement: 'events/connect/1',
  evaluate(trace) {
    const established = ofKind(trace, 'net.connected');
    const evts = eventsWithCode(trace, 1001);
    if (established.length === 0 && evts.length === 0)
      return notApplicable('no TCP connection was established');
    const unmatched = [...evts];
    for (const c of established) {
      const t = ms(c);
      const i = unmatched.findIndex((e) => e.t >= t && e.t <= t + EVENT_DEADLINE_MS);
      if (i < 0) {
        return fail(
          `connection ${num(c, 'conn')} established at ${t} ms had no 1001 within ${EVENT_DEADLINE_MS} ms`,
          {
            atMs: t,
            evidence: excerpt([c, ...evts.map((e) => e.record)]),
          },
        );
      }
      unmatched.splice(i, 1);
    }
    if (unmatched.length > 0) {
      return fail(
        `${unmatched.length} 1001 event(s) without an established connection (first at ${unmatched[0].t} ms)`,
        {
          atMs: unmatched[0].t,
          evidence: excerpt([...unmatched.map((e) => e.record), ...established]),
        },
      );
    }
    return pass(`${established.length} connection(s), ${evts.length} matching 1001 event(s)`, {
      numbers: { connections: established.length, events: evts.length },
    });
  },
};

export const EVENT_CHECKS: readonly Check[] = [connectSucceeded];
