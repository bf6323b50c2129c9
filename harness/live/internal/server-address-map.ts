/**
 * Which pusher connection a server session belongs to (docs/live-mode.md, "Addresses"). In simulation
 * the server sees the pusher's own address, and oracles join `server.*` records to connections by it
 * (`net.connected.local` = the hook's `ip`). Live, the server sees the proxy's upstream socket. Each pusher
 * connection that the proxy forwards produces exactly one server connection, in the same order, so the
 * n-th forwarded connection is the n-th accepted one; server records are then rewritten to name the
 * pusher's address (the original is kept as `serverIp`), as if the proxy were the transparent network
 * it stands for.
 */
import type { TraceValue } from '../../sim/index.js';

/** Faults after which the proxy never opens an upstream connection. */
const NO_UPSTREAM = new Set(['refused', 'unreachable', 'timeout']);

export class ServerAddressMap {
  readonly #pusherLocal = new Map<number, string>();
  readonly #waiting: number[] = [];
  readonly #byServerIp = new Map<string, number>();

  /** The relay saw the pusher's connection `conn` from `local`. */
  pusherConnected(conn: number, local: string): void {
    this.#pusherLocal.set(conn, local);
  }

  /** The proxy accepted `conn` (its `net.connect` record): it will connect upstream unless the fault is silent. */
  proxyAccepted(conn: number, fault: string, silent: boolean): void {
    if (!NO_UPSTREAM.has(fault) && !silent) this.#waiting.push(conn);
  }

  /** The server accepted a connection from `serverIp`. */
  serverAccepted(serverIp: string): void {
    const conn = this.#waiting.shift();
    if (conn !== undefined) this.#byServerIp.set(serverIp, conn);
  }

  /** A server record with `ip` naming the pusher's address (and `serverIp` the address the server saw). */
  translate(data: { [key: string]: TraceValue }): { [key: string]: TraceValue } {
    const ip = typeof data.ip === 'string' ? data.ip : undefined;
    if (ip === undefined) return data;
    const conn = this.#byServerIp.get(ip);
    const local = conn === undefined ? undefined : this.#pusherLocal.get(conn);
    return local === undefined ? data : { ...data, ip: local, serverIp: ip };
  }
}
