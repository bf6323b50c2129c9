/**
 * The adapter interface: everything the harness needs from a pusher under test, and everything a pusher
 * gets from its environment. Type-only: no runtime imports, so `src/` (our reference pusher) can depend on
 * it without seeing any harness internals. Documented in docs/adapter.md.
 *
 * Units: times in milliseconds of the pusher's clock (virtual in simulation), bitrates in kbit/s.
 */

// ---------------------------------------------------------------------------------------------------
// Attributes (seed: "Attributes" table). Names are the seed's, camelCased.
// ---------------------------------------------------------------------------------------------------
export type PusherMode = 'SD' | 'HD' | 'FHD' | 'RTC';
export type Orientation = 'vertical' | 'horizontal';
export type Aspect = '3:4' | '9:16';
export type AudioQuality = 'low' | 'high';

export interface PusherAttributes {
  url: string;
  mode: PusherMode;
  autopush: boolean;
  muted: boolean;
  enableCamera: boolean;
  autoFocus: boolean;
  orientation: Orientation;
  beauty: number;
  whiteness: number;
  aspect: Aspect;
  minBitrate: number;
  maxBitrate: number;
  audioQuality: AudioQuality;
  waitingImage: string;
  waitingImageHash: string;
  backgroundMute: boolean;
  debug: boolean;
}

/** The seed's attribute names (kebab-case) → ours. */
export const ATTRIBUTE_NAMES = {
  url: 'url',
  mode: 'mode',
  autopush: 'autopush',
  muted: 'muted',
  'enable-camera': 'enableCamera',
  'auto-focus': 'autoFocus',
  orientation: 'orientation',
  beauty: 'beauty',
  whiteness: 'whiteness',
  aspect: 'aspect',
  'min-bitrate': 'minBitrate',
  'max-bitrate': 'maxBitrate',
  'audio-quality': 'audioQuality',
  'waiting-image': 'waitingImage',
  'waiting-image-hash': 'waitingImageHash',
  'background-mute': 'backgroundMute',
  debug: 'debug',
} as const satisfies Record<string, keyof PusherAttributes>;

/**
 * Behaviour parameters that sources disagree on (see docs/spec.md, "Profiles"). The harness passes the
 * run's profile; a pusher that has its own fixed values reports them in `PusherIdentity.profile`.
 */
export interface PusherProfile {
  /** Reconnection attempts after a loss before -1307. Seed: 3. */
  reconnectAttempts: number;
  /** Milliseconds between reconnection attempts. SDK: 3000. */
  reconnectIntervalMs: number;
  /** How long the waiting image keeps the stream alive in the background, ms. Seed: 3 min; SDK: 300 s. */
  waitingImageKeepAliveMs: number;
  /** Frames per second of the waiting image. SDK: 5. */
  waitingImageFps: number;
}

// ---------------------------------------------------------------------------------------------------
// Events (seed: "Internal Events") and net status
// ---------------------------------------------------------------------------------------------------
export interface StateChange {
  code: number;
  message: string;
}

/** The 1 Hz net-status record (Tencent's NET_STATUS fields). */
export interface NetStatus {
  videoBitrate: number; // kbit/s sent
  audioBitrate: number; // kbit/s sent
  videoFps: number;
  videoGop: number; // seconds
  netSpeed: number; // kbit/s acknowledged by the network
  netJitter: number; // ms
  videoCache: number; // frames queued, not yet sent
  audioCache: number;
  videoWidth: number;
  videoHeight: number;
  /** The encoder's current target, kbit/s. */
  targetBitrate: number;
}

/** Callback-style results of a context operation (success/fail/complete of the mini-program API). */
export type OperationResult<T = Record<string, unknown>> =
  | ({ ok: true; errMsg: string } & T)
  | { ok: false; errMsg: string };

export interface SnapshotResult {
  tempImagePath: string;
  width: number;
  height: number;
}

// ---------------------------------------------------------------------------------------------------
// The environment a pusher runs in. Everything time-, network- or hardware-related is injected.
// ---------------------------------------------------------------------------------------------------
export type TimerHandle = unknown;

export interface PusherClock {
  /** Milliseconds (may be fractional in simulation: virtual µs / 1000). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export interface PusherRandom {
  bytes(n: number): Uint8Array;
  /** Uniform in [0, 1). */
  next(): number;
}

/** A connected byte stream, shaped like net.Socket (a Node Duplex). */
export interface TransportSocket {
  write(chunk: Uint8Array, cb?: (err?: Error | null) => void): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'connect' | 'end' | 'close' | 'drain' | 'timeout', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown;
  removeAllListeners(event?: string): unknown;
  setNoDelay?(noDelay?: boolean): unknown;
  setTimeout?(ms: number, cb?: () => void): unknown;
  readonly writableLength: number;
  readonly destroyed: boolean;
  readonly bytesWritten?: number;
}

export interface Transport {
  /**
   * Open a TCP connection. The socket emits 'connect' when established or 'error' (ECONNREFUSED,
   * ETIMEDOUT, ...) like `net.connect`.
   */
  connect(options: { host: string; port: number }): TransportSocket;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface Resolver {
  /** Rejects with an Error whose `code` is ENOTFOUND (NXDOMAIN), ESERVFAIL or ETIMEOUT. */
  resolve(host: string): Promise<ResolvedAddress>;
}

export interface HttpResponse {
  status: number;
  body: Uint8Array;
}

export interface HttpFetch {
  /** Rejects on transport failure (reset, timeout) with an Error carrying `code`. */
  fetch(url: string, options?: { timeoutMs?: number }): Promise<HttpResponse>;
}

/** Somewhere to put files the pusher hands back (snapshots). */
export interface FileStore {
  writeTemp(suffix: string, bytes: Uint8Array): string;
}

// ---- devices --------------------------------------------------------------------------------------
export type CameraPosition = 'front' | 'back';

/** A picture as our fake cameras produce it: a flat colour and a frame counter (see docs/devices.md). */
export interface VideoPicture {
  colour: { y: number; cb: number; cr: number };
  frameIndex: number;
  forceIdr?: boolean;
}

export interface CameraFrame {
  picture: VideoPicture;
  source: CameraPosition;
  /** Capture time, ms on the pusher clock. */
  t: number;
}

export interface CameraOpenOptions {
  position: CameraPosition;
  width: number;
  height: number;
  fps: number;
  autoFocus: boolean;
  /** Beauty/whiteness filter levels 0..9; the fake camera records them. */
  beauty: number;
  whiteness: number;
}

export interface CameraHandle {
  onFrame(listener: (frame: CameraFrame) => void): void;
  /** The device failed after opening (e.g. taken by another app). */
  onError(listener: (error: DeviceError) => void): void;
  setAutoFocus(enabled: boolean): void;
  setFilters(beauty: number, whiteness: number): void;
  close(): void;
}

export interface MicrophoneOpenOptions {
  sampleRate: number;
  channels: 1 | 2;
}

export interface AudioBlock {
  /** 1024 samples per channel. */
  samples: number;
  t: number;
}

export interface MicrophoneHandle {
  onAudio(listener: (block: AudioBlock) => void): void;
  onError(listener: (error: DeviceError) => void): void;
  close(): void;
}

export interface VideoEncoderConfig {
  width: number;
  height: number;
  fps: number;
  gopFrames: number;
  targetBitrateKbps: number;
}

export interface EncodedVideoFrame {
  keyframe: boolean;
  /** NAL units without start codes. */
  nalus: Uint8Array[];
  byteLength: number;
  sps: Uint8Array;
  pps: Uint8Array;
}

export interface VideoEncoderHandle {
  readonly kind: 'hardware' | 'software';
  readonly config: VideoEncoderConfig;
  /** Throws DeviceError on failure. */
  encode(picture: VideoPicture): EncodedVideoFrame;
  setTargetBitrate(kbps: number): void;
  /** Encoder reports it cannot keep up (the 1107 condition). */
  onOverload(listener: () => void): void;
  close(): void;
}

export interface AudioEncoderConfig {
  sampleRate: number;
  channels: 1 | 2;
  targetBitrateKbps: number;
}

export interface AudioEncoderHandle {
  readonly config: AudioEncoderConfig;
  audioSpecificConfig(): Uint8Array;
  /** Throws DeviceError on failure. */
  encode(block: AudioBlock): Uint8Array;
  close(): void;
}

export type DeviceErrorCode = 'DENIED' | 'OCCUPIED' | 'FAILED' | 'UNSUPPORTED' | 'NOT_FOUND';

export interface DeviceError extends Error {
  code: DeviceErrorCode;
  device: string;
}

export interface Devices {
  /** Rejects with a DeviceError. */
  openCamera(options: CameraOpenOptions): Promise<CameraHandle>;
  openMicrophone(options: MicrophoneOpenOptions): Promise<MicrophoneHandle>;
  /** Throws a DeviceError (UNSUPPORTED for a resolution it cannot encode). */
  openVideoEncoder(kind: 'hardware' | 'software', config: VideoEncoderConfig): VideoEncoderHandle;
  /** Throws a DeviceError (UNSUPPORTED for a sample rate it cannot encode). */
  openAudioEncoder(config: AudioEncoderConfig): AudioEncoderHandle;
}

export type AppState = 'foreground' | 'background';

export interface AppLifecycle {
  readonly state: AppState;
  onChange(listener: (state: AppState) => void): void;
}

export interface PusherEnvironment {
  clock: PusherClock;
  random: PusherRandom;
  transport: Transport;
  resolver: Resolver;
  http: HttpFetch;
  files: FileStore;
  devices: Devices;
  app: AppLifecycle;
  profile: PusherProfile;
  /** The component's size on screen, for snapshots. */
  viewSize: { width: number; height: number };
  /** Debug log sink (the `debug` attribute's log window). */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

// ---------------------------------------------------------------------------------------------------
// The pusher under test
// ---------------------------------------------------------------------------------------------------
/** Capabilities a pusher may lack; a case needing a missing one is UNSUPPORTED, never FAIL. */
export type Capability =
  | 'events'
  | 'netstatus'
  | 'attributes.live-update'
  | 'pause'
  | 'switchCamera'
  | 'snapshot'
  | 'waiting-image'
  | 'background'
  | 'bitrate-adaptation'
  | 'device-faults'
  | 'dns'
  | 'sim-time';

export interface PusherIdentity {
  name: string;
  version: string;
  /** The profile values the pusher actually uses, if fixed. */
  profile?: Partial<PusherProfile>;
}

export type OperationName = 'start' | 'stop' | 'pause' | 'resume' | 'switchCamera' | 'snapshot';

export interface PusherUnderTest {
  readonly identity: PusherIdentity;
  readonly capabilities: readonly Capability[];
  onStateChange(listener: (event: StateChange) => void): void;
  onNetStatus(listener: (status: NetStatus) => void): void;
  /** Apply changed attributes (the component is reactive). Invalid values follow docs/spec.md. */
  setAttributes(patch: Partial<PusherAttributes>): void;
  start(): Promise<OperationResult>;
  stop(): Promise<OperationResult>;
  pause(): Promise<OperationResult>;
  resume(): Promise<OperationResult>;
  switchCamera(): Promise<OperationResult>;
  snapshot(): Promise<OperationResult<SnapshotResult>>;
  /** Release everything (end of case). Must not throw. */
  dispose(): void;
}

/** How a pusher is plugged in: one factory per implementation. */
export interface PusherFactory {
  readonly name: string;
  create(attributes: Partial<PusherAttributes>, env: PusherEnvironment): PusherUnderTest;
}
