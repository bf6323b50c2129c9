/**
 * The reference pusher, plugged into the harness only through the adapter interface
 * (harness/adapter/types.ts).
 */
import type { PusherAttributes, PusherEnvironment, PusherFactory } from '../harness/adapter/types.js';
import { LivePusher } from './pusher/live-pusher.js';

export { LivePusher, REFERENCE_PUSHER_IDENTITY } from './pusher/live-pusher.js';

export const referencePusherFactory: PusherFactory = {
  name: 'reference',
  create(attributes: Partial<PusherAttributes>, env: PusherEnvironment) {
    return new LivePusher(attributes, env);
  },
};
