import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Broadcast {
  publisher: unknown;
  _finishPublish?: () => void;
}
interface NmsContext {
  broadcasts: Map<string, Broadcast>;
  sessions: Map<string | number, unknown>;
}

/**
 * Forget what node-media-server still holds after a case: a publisher that disconnected stays in its
 * broadcast for a 30 s grace window, on a timer of the case's simulation, which is gone once the case
 * ends, so the broadcast (its GOP cache, sequence headers and timestamp offset) would otherwise live on.
 * A later case on the same stream name would then be served those headers and have its timestamps
 * shifted, and a campaign would keep every case's cache in memory. Campaigns evaluate the same case (and
 * the same stream name) more than once per process while shrinking, so they release after every case.
 * One simulation at a time per process: nothing is live between cases.
 */
export function releaseServerState(): void {
  const context = require('node-media-server/src/core/context.js') as NmsContext;
  for (const b of context.broadcasts.values()) b._finishPublish?.();
  context.broadcasts.clear();
  context.sessions.clear();
}

/**
 * Let the real event loop run the callbacks a finished case left queued (sockets destroyed at its end
 * emit 'close' on a later tick: node-media-server would record a `donePlay` into the NEXT case's trace),
 * with no case bound, so they are dropped. Virtual time is not involved: it only empties queues.
 */
export async function settleBetweenCases(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve)); // determinism-ok: drains the real loop between cases
}
