/**
 * The process adapter protocol, version 1 (docs/adapter-protocol.md): JSON Lines over a pusher process's
 * stdin (harness → pusher) and stdout (pusher → harness). Type-only vocabulary plus constants, no runtime
 * imports, so client libraries and the harness share one definition.
 */
import type {
  AppState,
  Capability,
  NetStatus,
  OperationName,
  PusherAttributes,
  PusherIdentity,
  PusherProfile,
} from '../types.js';

/** The version this harness speaks. A pusher answering another version is a protocol error ('version'). */
export const PROTOCOL_VERSION = 1;

/** Longest line either side may write, bytes (UTF-8, without the newline). Longer lines are protocol errors. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Exit status of a pusher process that cannot run at all in this environment (a missing encoder, an
 * unsupported platform): every requirement of the case is UNSUPPORTED, never FAIL (the convention of the
 * QUIC interop runner's exit code 127).
 */
export const EXIT_UNSUPPORTED = 127;

/** Exit status the client libraries use after writing `fatal` (an uncaught error in the pusher's code). */
export const EXIT_FATAL = 70;

/** Capabilities a pusher process may declare ('sim-time' is refused: a process runs on real time). */
export const PROCESS_CAPABILITIES: readonly Capability[] = [
  'events',
  'netstatus',
  'attributes.live-update',
  'pause',
  'switchCamera',
  'snapshot',
  'waiting-image',
  'background',
  'bitrate-adaptation',
  'device-faults',
  'dns',
];

// ---- harness → pusher ----------------------------------------------------------------------------------

export interface HelloMessage {
  type: 'hello';
  id: number;
  protocolVersion: number;
  /** What the run would like to exercise; the pusher answers with what it supports. */
  capabilitiesAsked: Capability[];
  harness: { name: string; version: string };
}

/** What the harness scripts on the fake devices of the pusher process (docs/devices.md, "The device script"). */
export type DeviceScriptJson = { [key: string]: unknown };

export interface CreateMessage {
  type: 'create';
  id: number;
  /** Attributes as the case gives them (invalid values included: they are part of what cases test). */
  attributes: Partial<PusherAttributes>;
  profile: PusherProfile;
  /** The component's size on screen, for snapshots. */
  viewSize: { width: number; height: number };
  /** The case's device script, resolved; only meaningful to pushers that declare 'device-faults'. */
  devices?: DeviceScriptJson;
  /** The app's state at creation. */
  app: AppState;
}

export interface OperationMessage {
  type: OperationName;
  id: number;
}

export interface SetAttributesMessage {
  type: 'setAttributes';
  id: number;
  attributes: Partial<PusherAttributes>;
}

/** The app went to the foreground or background (a notification: no result). */
export interface AppMessage {
  type: 'app';
  state: AppState;
}

/** A device fault injected now (for pushers with 'device-faults'); answered by a result (ok: applied). */
export interface DeviceFaultMessage {
  type: 'deviceFault';
  id: number;
  device: 'camera' | 'microphone' | 'videoEncoder';
  fault: 'fail' | 'overload';
  position?: 'front' | 'back';
  kind?: 'hardware' | 'software';
}

export interface PingMessage {
  type: 'ping';
  id: number;
}

/** End of the case: release everything, answer, exit 0. */
export interface DisposeMessage {
  type: 'dispose';
  id: number;
}

export type HarnessMessage =
  | HelloMessage
  | CreateMessage
  | OperationMessage
  | SetAttributesMessage
  | AppMessage
  | DeviceFaultMessage
  | PingMessage
  | DisposeMessage;

// ---- pusher → harness ----------------------------------------------------------------------------------

export interface ReadyMessage {
  type: 'ready';
  id: number;
  protocolVersion: number;
  identity: PusherIdentity;
  capabilities: Capability[];
}

/** The answer to every harness message that carries an id (except hello and ping). */
export interface ResultMessage {
  type: 'result';
  id: number;
  ok: boolean;
  /** The mini-program convention: "<op>:ok" or "<op>:fail <reason>". */
  errMsg: string;
  /** snapshot: where the pusher wrote the PNG (its own path, informative). */
  tempImagePath?: string;
  width?: number;
  height?: number;
  /** snapshot: the PNG itself, base64; the harness stores it and records `pusher.file`. */
  pngBase64?: string;
  [extra: string]: unknown;
}

export interface StateChangeMessage {
  type: 'statechange';
  code: number;
  message: string;
}

export interface NetStatusMessage extends Partial<NetStatus> {
  type: 'netstatus';
}

export interface LogMessage {
  type: 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** A record of the pusher's fake devices (kind `device.*`, docs/trace.md), recorded on arrival. */
export interface DeviceRecordMessage {
  type: 'device';
  kind: string;
  data: { [key: string]: unknown };
}

/** The pusher could not understand a harness line. */
export interface PusherProtocolErrorMessage {
  type: 'protocolError';
  reason: 'bad-json' | 'unknown-type' | 'bad-message' | 'line-too-long';
  detail: string;
}

/** Last words before the process exits with EXIT_FATAL. */
export interface FatalMessage {
  type: 'fatal';
  message: string;
  stack?: string;
}

export interface PongMessage {
  type: 'pong';
  id: number;
}

export type PusherMessage =
  | ReadyMessage
  | ResultMessage
  | StateChangeMessage
  | NetStatusMessage
  | LogMessage
  | DeviceRecordMessage
  | PusherProtocolErrorMessage
  | FatalMessage
  | PongMessage;

/** Why the harness recorded `pusher.protocolError` (docs/adapter-protocol.md, "Faults"). */
export type ProtocolFault =
  | 'bad-json'
  | 'line-too-long'
  | 'not-an-object'
  | 'unknown-type'
  | 'bad-message'
  | 'unexpected-result'
  | 'version'
  | 'capability'
  | 'ready-timeout'
  | 'timeout'
  | 'unresponsive'
  | 'reported';
