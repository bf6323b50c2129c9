import { type Channel, DirectChannel, type DirectChannelOptions } from './channel.js';
import type { Scheduler } from './scheduler.js';
import { SimSocket, type SocketEndpoint } from './sim-socket.js';
import type { SocketErrorCode } from './socket-error.js';

export interface SocketPairOptions {
  /** Pusher-to-server direction. Default: a DirectChannel with `direct` options. */
  uplink?: Channel;
  /** Server-to-pusher direction. Default: a DirectChannel with `direct` options. */
  downlink?: Channel;
  direct?: DirectChannelOptions;
  client?: SocketEndpoint;
  server?: SocketEndpoint;
  allowHalfOpen?: boolean;
  label?: string;
}

/** Two connected SimSockets: `client` writes into `uplink`, `server` into `downlink`. */
export interface SocketPair {
  readonly client: SimSocket;
  readonly server: SimSocket;
  readonly uplink: Channel;
  readonly downlink: Channel;
  /**
   * A connection reset as the network would cause it: both links are torn down and each side fails with
   * `code` (default ECONNRESET) from a scheduler callback at the current instant.
   */
  reset(code?: SocketErrorCode): void;
}

export function createSocketPair(scheduler: Scheduler, options: SocketPairOptions = {}): SocketPair {
  const label = options.label ?? 'conn';
  const uplink = options.uplink ?? new DirectChannel(scheduler, { ...options.direct, label: `${label}:up` });
  const downlink =
    options.downlink ?? new DirectChannel(scheduler, { ...options.direct, label: `${label}:down` });
  const clientEp = options.client ?? { address: '10.0.0.2', port: 50000 };
  const serverEp = options.server ?? { address: '10.0.0.1', port: 1935 };
  const client = new SimSocket({
    scheduler,
    outgoing: uplink,
    local: clientEp,
    remote: serverEp,
    allowHalfOpen: options.allowHalfOpen,
    label: `${label}:client`,
  });
  const server = new SimSocket({
    scheduler,
    outgoing: downlink,
    local: serverEp,
    remote: clientEp,
    allowHalfOpen: options.allowHalfOpen,
    label: `${label}:server`,
  });
  uplink.attach(server);
  downlink.attach(client);
  return {
    client,
    server,
    uplink,
    downlink,
    reset(code: SocketErrorCode = 'ECONNRESET') {
      uplink.abort();
      downlink.abort();
      scheduler.after(0, () => client.failWith(code), `${label}:reset`);
      scheduler.after(0, () => server.failWith(code), `${label}:reset`);
    },
  };
}
