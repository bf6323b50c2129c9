/**
 * The live media server process (docs/live-mode.md): node-media-server 4.4 through our
 * EmbeddedMediaServer (policy: auth, busy URLs, kicks), listening on real loopback sockets. Run as a CHILD
 * process by LiveMediaServer with an IPC channel, never in the harness's own process: a bad HTTP-FLV
 * stream name throws an uncaught TypeError inside NMS (docs/server.md, NOTES), and NMS keeps module-level
 * singletons.
 *
 * A kick is an orderly close, as in the simulation (docs/spec.md `events/network/4`): the publisher's socket
 * sends FIN and the server writes nothing more to it (NMS's own writes are dropped, so a write after the FIN
 * cannot make the kernel answer with a reset); it is destroyed once the pusher closes its side, or after 3 s.
 *
 * IPC, parent → child: {type: 'bind', policy: {auth?}}, {type: 'kick', reason}, {type: 'hasPublisher',
 * id, streamPath}. Child → parent: {type: 'listening', rtmpPort, httpPort, version}, {type: 'record',
 * kind, data} (every `server.*` hook), {type: 'accepted', ip} (each RTMP connection, in accept order, so the
 * parent can tell which pusher connection a server session belongs to), {type: 'kicked', count},
 * {type: 'bound'} (the binding applies from now on), {type: 'answer', id, value}.
 *
 * Ports: the child binds port 0 itself (the kernel picks free ephemeral ports, so no race between choosing
 * and binding) unless the parent passes ports to reuse after a restart (`--rtmp-port`, `--http-port`).
 */
import net from 'node:net';
import { EmbeddedMediaServer, type ServerPolicy } from '../../server/embedded-media-server.js';
import { Scheduler, TraceRecorder, type TraceValue } from '../../sim/index.js';

type ParentMessage =
  | { type: 'bind'; policy: Pick<ServerPolicy, 'auth'> }
  | { type: 'kick'; reason: string }
  | { type: 'hasPublisher'; id: number; streamPath: string };

function send(message: unknown): void {
  if (process.connected) process.send?.(message);
}

function argPort(name: string): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : 0;
  return Number.isInteger(v) && v > 0 && v < 65536 ? v : 0;
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

async function main(): Promise<void> {
  const nms = EmbeddedMediaServer.get();
  // Hooks are recorded here and forwarded; the parent stamps them with its case clock on arrival.
  const trace = new TraceRecorder(() => 0);
  // Publishers by remote address ("127.0.0.1:port"), from the hooks: who a kick closes.
  const publishers = new Map<string, { [k: string]: TraceValue }>();
  const sockets = new Map<string, net.Socket>();
  trace.onRecord((r) => {
    const ip = String(r.data.ip ?? '');
    if (r.kind === 'server.postPublish') publishers.set(ip, r.data as { [k: string]: TraceValue });
    if (r.kind === 'server.donePublish') publishers.delete(ip);
    send({ type: 'record', kind: r.kind, data: r.data as { [k: string]: TraceValue } });
  });
  const kick = (reason: string): number => {
    let kicked = 0;
    for (const [ip, session] of publishers) {
      const socket = sockets.get(ip) ?? sockets.get(ip.replace(/^::ffff:/, ''));
      if (!socket || socket.destroyed || socket.writableEnded) continue;
      trace.record('server.kick', { ...session, reason });
      const quiet = socket as unknown as { write: (...args: unknown[]) => boolean };
      quiet.write = (...args: unknown[]) => {
        const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
        cb?.();
        return true;
      };
      socket.end();
      setTimeout(() => socket.destroy(), 3000).unref();
      kicked++;
    }
    return kicked;
  };
  // Kicks come from the parent on real time, so the binding's scheduler is never run.
  let unbind = nms.bind({ trace, scheduler: new Scheduler(), policy: {} });
  const rtmp = net.createServer((socket) => {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    sockets.set(key, socket);
    send({ type: 'accepted', ip: key });
    socket.on('close', () => sockets.delete(key));
    socket.on('error', () => {});
    nms.acceptRtmp(socket);
  });
  const http = net.createServer((socket) => {
    socket.on('error', () => {});
    nms.acceptHttp(socket);
  });
  const rtmpPort = await listen(rtmp, argPort('--rtmp-port'));
  const httpPort = await listen(http, argPort('--http-port'));
  process.on('message', (m: ParentMessage) => {
    if (m?.type === 'bind') {
      // Unbinding makes the server drop the previous case's sessions and broadcasts.
      unbind();
      publishers.clear();
      unbind = nms.bind({ trace, scheduler: new Scheduler(), policy: { auth: m.policy?.auth } });
      send({ type: 'bound' });
    } else if (m?.type === 'kick') {
      send({ type: 'kicked', count: kick(String(m.reason ?? 'scheduled kick')) });
    } else if (m?.type === 'hasPublisher') {
      send({ type: 'answer', id: m.id, value: nms.hasPublisher(String(m.streamPath)) });
    }
  });
  // The parent went away: nothing else may keep this process alive.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'listening', rtmpPort, httpPort, version: nms.version });
}

main().catch((e: unknown) => {
  process.stderr.write(`media-server-child: ${(e as Error)?.stack ?? e}\n`);
  process.exit(1);
});
