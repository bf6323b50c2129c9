/**
 * The process protocol's client for Node/TypeScript pushers (docs/adapter-protocol.md): a pusher
 * implementation gives `runPusherProcess` its identity, capabilities and a `create` function; the library
 * speaks JSON Lines on stdin/stdout, answers every request exactly once, keeps answering pings while an
 * operation hangs, reports what it cannot understand, and turns the implementation's exceptions into
 * `result {ok: false}` (an operation that throws) or `fatal` + exit 70 (an uncaught error).
 *
 * stdout belongs to the protocol: the library sends `console.log/info/debug` to stderr.
 */
import { writeSync } from 'node:fs';
import type {
  AppState,
  Capability,
  NetStatus,
  OperationName,
  PusherAttributes,
  PusherIdentity,
  PusherProfile,
} from '../../harness/adapter/types.js';

export const PROTOCOL_VERSION = 1;
export const EXIT_FATAL = 70;
export const EXIT_UNSUPPORTED = 127;
const MAX_LINE_BYTES = 1024 * 1024;
const OPERATIONS: readonly OperationName[] = ['start', 'stop', 'pause', 'resume', 'switchCamera', 'snapshot'];

/** What an operation handler returns: ok, and the mini-program errMsg (defaulted to "<op>:ok"). */
export interface OperationOutcome {
  ok: boolean;
  errMsg?: string;
  [extra: string]: unknown;
}

export interface CreateParams {
  attributes: Partial<PusherAttributes>;
  profile: PusherProfile;
  viewSize: { width: number; height: number };
  /** The case's device script (resolved), for pushers that declare 'device-faults'. */
  devices?: { [key: string]: unknown };
  app: AppState;
}

export interface DeviceFault {
  device: 'camera' | 'microphone' | 'videoEncoder';
  fault: 'fail' | 'overload';
  position?: 'front' | 'back';
  kind?: 'hardware' | 'software';
}

/** What the pusher tells the harness, any time after `create`. */
export interface PusherHost {
  statechange(code: number, message: string): void;
  netstatus(status: Partial<NetStatus>): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** A fake-device record (kind `device.*`, docs/trace.md). */
  device(kind: string, data: { [key: string]: unknown }): void;
}

type Handler = () => OperationOutcome | Promise<OperationOutcome>;

/** One created pusher. Operations the pusher lacks may be left out: they answer "<op>:fail unsupported". */
export interface PusherInstance {
  start?: Handler;
  stop?: Handler;
  pause?: Handler;
  resume?: Handler;
  switchCamera?: Handler;
  snapshot?: Handler;
  setAttributes?(patch: Partial<PusherAttributes>): void | Promise<void>;
  app?(state: AppState): void;
  /** Apply a device fault now; false when it did not apply (the device was not open). */
  deviceFault?(fault: DeviceFault): boolean | Promise<boolean>;
  dispose?(): void | Promise<void>;
}

export interface PusherImplementation {
  identity: PusherIdentity;
  capabilities: Capability[];
  create(params: CreateParams, host: PusherHost): PusherInstance | Promise<PusherInstance>;
}

export interface PusherProcessIo {
  input: NodeJS.ReadableStream;
  /**
   * Writes one protocol line (with its newline). Default: a synchronous write to fd 1, so a line is in the
   * pipe before the pusher's next socket write (the harness orders the trace by arrival: an event reported
   * before sending media must reach it first). Node's own stdout is asynchronous on pipes.
   */
  write(line: string): void;
  exit(code: number): void;
  /** Install handlers for uncaught errors and route console output to stderr. Default true. */
  installProcessHooks: boolean;
  /** How long `dispose` may take before the library exits anyway, ms. Default 1000. */
  disposeTimeoutMs: number;
}

let asyncPending = 0;
/**
 * Write to fd 1 now; when the pipe is full (EAGAIN) the rest, and every line after it until the queue has
 * drained, goes through process.stdout, which keeps the order.
 */
function writeStdoutInOrder(line: string): void {
  if (asyncPending === 0) {
    const bytes = Buffer.from(line, 'utf8');
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(1, bytes, off);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
    line = bytes.subarray(off).toString('utf8');
  }
  asyncPending++;
  process.stdout.write(line, () => {
    asyncPending--;
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Serve the protocol for `impl` until `dispose` or the end of stdin. Returns a promise that settles
 * when the library has asked to exit (tests pass their own `io`).
 */
export function runPusherProcess(
  impl: PusherImplementation,
  ioOptions: Partial<PusherProcessIo> = {},
): Promise<number> {
  const io: PusherProcessIo = {
    input: ioOptions.input ?? process.stdin,
    write: ioOptions.write ?? writeStdoutInOrder,
    exit: ioOptions.exit ?? ((code) => process.exit(code)),
    installProcessHooks: ioOptions.installProcessHooks ?? true,
    disposeTimeoutMs: ioOptions.disposeTimeoutMs ?? 1000,
  };
  let instance: PusherInstance | undefined;
  let creating = false;
  let exiting = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => {
    resolveDone = r;
  });

  const send = (message: { [key: string]: unknown }) => {
    if (exiting) return;
    let line: string;
    try {
      line = JSON.stringify(message);
    } catch (e) {
      line = JSON.stringify({
        type: 'log',
        level: 'error',
        message: `unserialisable message: ${errorText(e)}`,
      });
    }
    io.write(`${line}\n`);
  };
  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    resolveDone(code);
    io.exit(code);
  };
  const fatal = (e: unknown) => {
    send({ type: 'fatal', message: errorText(e), stack: e instanceof Error ? (e.stack ?? '') : '' });
    exit(EXIT_FATAL);
  };
  const host: PusherHost = {
    statechange: (code, message) => send({ type: 'statechange', code, message }),
    netstatus: (status) => send({ type: 'netstatus', ...status }),
    log: (level, message) => send({ type: 'log', level, message: String(message) }),
    device: (kind, data) => send({ type: 'device', kind, data }),
  };
  const result = (id: unknown, ok: boolean, errMsg: string, extra: { [key: string]: unknown } = {}) => {
    if (typeof id === 'number') send({ ...extra, type: 'result', id, ok, errMsg });
  };

  let disposing: Promise<void> | undefined;
  const dispose = (id?: unknown): Promise<void> => {
    disposing ??= disposeOnce(id);
    return disposing;
  };
  const disposeOnce = async (id: unknown) => {
    const current = instance;
    instance = undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve(current?.dispose?.()),
        new Promise((r) => {
          timer = setTimeout(r, io.disposeTimeoutMs);
        }),
      ]);
    } catch (e) {
      host.log('error', `dispose threw: ${errorText(e)}`);
    } finally {
      if (timer) clearTimeout(timer);
    }
    result(id, true, 'dispose:ok');
    exit(0);
  };

  const operation = async (op: OperationName, id: unknown) => {
    const handler = instance?.[op];
    if (!instance) return result(id, false, `${op}:fail not created`);
    if (!handler) return result(id, false, `${op}:fail unsupported`, { unsupported: true });
    try {
      const out = await handler.call(instance);
      const { ok, errMsg, ...extra } = out ?? { ok: false };
      result(id, ok === true, String(errMsg ?? (ok === true ? `${op}:ok` : `${op}:fail`)), extra);
    } catch (e) {
      host.log('error', `${op} threw: ${errorText(e)}`);
      result(id, false, `${op}:fail ${errorText(e)}`);
    }
  };

  const handle = async (m: { [key: string]: unknown }) => {
    const id = m.id;
    switch (m.type) {
      case 'hello':
        send({
          type: 'ready',
          id,
          protocolVersion: PROTOCOL_VERSION,
          identity: impl.identity,
          capabilities: impl.capabilities,
        });
        return;
      case 'ping':
        send({ type: 'pong', id });
        return;
      case 'create': {
        if (instance || creating) return result(id, false, 'create:fail already created');
        creating = true;
        try {
          instance = await impl.create(
            {
              attributes: (m.attributes ?? {}) as Partial<PusherAttributes>,
              profile: m.profile as PusherProfile,
              viewSize: (m.viewSize ?? { width: 360, height: 640 }) as CreateParams['viewSize'],
              devices: m.devices as CreateParams['devices'],
              app: m.app === 'background' ? 'background' : 'foreground',
            },
            host,
          );
          result(id, true, 'create:ok');
        } catch (e) {
          result(id, false, `create:fail ${errorText(e)}`);
        } finally {
          creating = false;
        }
        return;
      }
      case 'setAttributes':
        try {
          await instance?.setAttributes?.((m.attributes ?? {}) as Partial<PusherAttributes>);
          result(id, true, 'setAttributes:ok');
        } catch (e) {
          result(id, false, `setAttributes:fail ${errorText(e)}`);
        }
        return;
      case 'app':
        try {
          instance?.app?.(m.state === 'background' ? 'background' : 'foreground');
        } catch (e) {
          host.log('error', `app threw: ${errorText(e)}`);
        }
        return;
      case 'deviceFault':
        try {
          const applied = (await instance?.deviceFault?.(m as unknown as DeviceFault)) ?? false;
          result(id, applied, applied ? 'deviceFault:ok' : 'deviceFault:fail not applied');
        } catch (e) {
          result(id, false, `deviceFault:fail ${errorText(e)}`);
        }
        return;
      case 'dispose':
        await dispose(id);
        return;
      default:
        if (OPERATIONS.includes(m.type as OperationName)) {
          await operation(m.type as OperationName, id);
          return;
        }
        send({
          type: 'protocolError',
          reason: 'unknown-type',
          detail: `unknown message type ${JSON.stringify(m.type)}`,
        });
        result(id, false, `${String(m.type)}:fail unknown message type`);
    }
  };

  const onLine = (line: string) => {
    if (line.trim() === '') return;
    let m: unknown;
    try {
      m = JSON.parse(line);
    } catch {
      send({ type: 'protocolError', reason: 'bad-json', detail: line.slice(0, 200) });
      return;
    }
    if (
      m === null ||
      typeof m !== 'object' ||
      Array.isArray(m) ||
      typeof (m as { type?: unknown }).type !== 'string'
    ) {
      send({
        type: 'protocolError',
        reason: 'bad-message',
        detail: `not a message object: ${line.slice(0, 200)}`,
      });
      return;
    }
    // Each message is handled on its own: a hanging operation never blocks pings or other requests.
    void handle(m as { [key: string]: unknown }).catch(fatal);
  };

  if (io.installProcessHooks) {
    process.on('uncaughtException', fatal);
    process.on('unhandledRejection', fatal);
    // stdout is the protocol's: stray console output goes to stderr.
    const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
    console.log = toStderr;
    console.info = toStderr;
    console.debug = toStderr;
  }

  let pending = '';
  let skipping = false;
  io.input.setEncoding?.('utf8');
  io.input.on('data', (chunk: string | Buffer) => {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (skipping) skipping = false;
      else onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      nl = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE_BYTES) {
      send({ type: 'protocolError', reason: 'line-too-long', detail: pending.slice(0, 200) });
      pending = '';
      skipping = true;
    }
  });
  // The harness is gone (or closed our stdin): end, never linger as an orphan.
  io.input.on('end', () => void dispose());
  return done;
}
