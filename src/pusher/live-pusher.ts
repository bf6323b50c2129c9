import type {
  AudioBlock,
  AudioEncoderHandle,
  CameraHandle,
  CameraPosition,
  Capability,
  EncodedVideoFrame,
  MicrophoneHandle,
  NetStatus,
  OperationResult,
  PusherAttributes,
  PusherEnvironment,
  PusherIdentity,
  PusherUnderTest,
  SnapshotResult,
  StateChange,
  VideoPicture,
} from '../../harness/adapter/types.js';
import { ByteSlab } from '../bytes/byte-slab.js';
import {
  aacRawFrameBody,
  aacSequenceHeaderBody,
  avcNaluPacketBody,
  avcSequenceHeaderBody,
} from '../flv/index.js';
import { type Amf0Object, parseRtmpUrl, type RtmpUrl } from '../rtmp/index.js';
import { checkPushUrl, DEFAULT_ATTRIBUTES, resolveAttributes } from './attributes.js';
import { BitrateController } from './bitrate-controller.js';
import type { Ycbcr } from './colour.js';
import { EVENT_MESSAGES, EventCode, type EventCodeValue } from './event-codes.js';
import { PushSession, type SessionFailure } from './push-session.js';
import { LADDER, ResolutionSelector, shapeFor, type VideoShape } from './resolution-ladder.js';
import { renderSnapshotPng } from './snapshot.js';
import { VideoEncoderManager } from './video-encoder-manager.js';
import { loadWaitingImage, type WaitingImageResult } from './waiting-image.js';

export const REFERENCE_PUSHER_IDENTITY: PusherIdentity = { name: 'lpc-reference-pusher', version: '0.1.0' };

/** Colour of the picture pushed when the camera is disabled: black (Y 16). */
export const BLACK: Ycbcr = { y: 16, cb: 128, cr: 128 };

/** Tuning that is ours, not the seed's (docs/pusher.md). */
export const TUNING = {
  connectTimeoutMs: 10_000,
  controlIntervalMs: 250,
  netStatusIntervalMs: 1000,
  /** Minimum gap between two 1101 warnings while the network stays too slow. */
  netBusyRepeatMs: 10_000,
  /** Video target while the waiting image is pushed, kbit/s. */
  waitingImageKbps: 24,
  /** Frame rate of the black picture when the camera is disabled. */
  blackFps: 5,
  blackKbps: 40,
  /** A publishing connection on which the network took nothing for this long, with data waiting, is lost. */
  stallTimeoutMs: 20_000,
  /**
   * Audio is dropped from the send queue only after this long: under congestion only video is dropped (as
   * OBS does). Audio is cheap, and a gap in both tracks would make the stale frames still in flight arrive
   * next to fresh ones of the other track (docs/pusher.md "Send queue").
   */
  audioMaxQueueMs: 20_000,
  /** stop(): a socket not closed this long after FCUnpublish/deleteStream and our FIN is destroyed. */
  closeGraceMs: 1_000,
} as const;

/** How far back net status measures the keyframe interval it reports as videoGop, ms. */
const GOP_WINDOW_MS = 10_000;

const CAPTURE_RUNG = LADDER.find((r) => r.name === '720p') ?? LADDER[LADDER.length - 1];

const MODE_VIDEO: Record<
  PusherAttributes['mode'],
  { fps: number; gopSeconds: number; congestedMs: number; dropMs: number }
> = {
  SD: { fps: 20, gopSeconds: 2, congestedMs: 300, dropMs: 2000 },
  HD: { fps: 20, gopSeconds: 2, congestedMs: 300, dropMs: 2000 },
  FHD: { fps: 20, gopSeconds: 2, congestedMs: 300, dropMs: 2000 },
  RTC: { fps: 15, gopSeconds: 1, congestedMs: 150, dropMs: 500 },
};

const AUDIO: Record<PusherAttributes['audioQuality'], { sampleRate: number; channels: 1 | 2; kbps: number }> =
  {
    high: { sampleRate: 48000, channels: 2, kbps: 64 },
    low: { sampleRate: 16000, channels: 1, kbps: 24 },
  };

type Phase = 'idle' | 'active' | 'failed';

/**
 * The reference `<live-pusher>` (docs/pusher.md): every attribute, operation and event of the seed, over
 * the injected environment only. It never reads the wall clock or opens sockets by itself.
 */
export class LivePusher implements PusherUnderTest {
  readonly identity: PusherIdentity;
  readonly capabilities: readonly Capability[] = [
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
    'sim-time',
  ];

  readonly #env: PusherEnvironment;
  #attrs: PusherAttributes;
  readonly #stateListeners: ((e: StateChange) => void)[] = [];
  readonly #netListeners: ((s: NetStatus) => void)[] = [];

  #phase: Phase = 'idle';
  #url: RtmpUrl | undefined;
  #session: PushSession | undefined;
  /** Video bodies are carved from slabs: one ArrayBuffer per frame was the publisher's largest cost. */
  readonly #videoBodies = new ByteSlab();
  #live = false;
  #reconnectsDone = 0;
  #reconnectTimer: unknown;
  #startMs = 0;
  #generation = 0;

  #cameraPosition: CameraPosition = 'front';
  #camera: CameraHandle | undefined;
  #cameraOpening = false;
  #mic: MicrophoneHandle | undefined;
  #audioEncoder: AudioEncoderHandle | undefined;
  #video: VideoEncoderManager;
  #controller: BitrateController;
  #selector: ResolutionSelector;
  #shape: VideoShape;
  #lastColour: Ycbcr | undefined;
  #pictureTimer: unknown;
  #pictureIndex = 0;
  #silenceTimer: unknown;
  #controlTimer: unknown;
  #netTimer: unknown;
  #keepAliveTimer: unknown;
  #sentSps: Uint8Array | undefined;
  #sentPps: Uint8Array | undefined;
  #audioHeaderSent = false;
  #droppingVideo = false;
  #lastNetBusyMs = Number.NEGATIVE_INFINITY;
  #paused = false;
  #background = false;
  #suspended = false;
  #waitingImage: WaitingImageResult | undefined;
  #waitingImageFor = '';
  #stats = { videoBytes: 0, audioBytes: 0, videoFrames: 0, lastVideoTs: -1, lastAudioTs: -1 };
  /** Timestamps of the keyframes sent in the last GOP_WINDOW_MS: net status reports their mean interval. */
  #keyframeTs: number[] = [];

  constructor(attributes: Partial<PusherAttributes>, env: PusherEnvironment) {
    this.#env = env;
    this.identity = { ...REFERENCE_PUSHER_IDENTITY, profile: env.profile };
    const { attributes: attrs, warnings } = resolveAttributes(DEFAULT_ATTRIBUTES, attributes);
    this.#attrs = attrs;
    for (const w of warnings)
      this.#log(
        'warn',
        `attribute ${w.field}=${JSON.stringify(w.value)}: expected ${w.expected}; using ${JSON.stringify(w.applied)}`,
      );
    this.#video = this.#newEncoderManager();
    this.#controller = this.#newController();
    this.#selector = new ResolutionSelector(this.#controller.targetKbps, attrs.mode);
    this.#shape = shapeFor(this.#selector.current, attrs.aspect, attrs.orientation);
    env.app.onChange((state) => this.#onAppState(state));
    this.#background = env.app.state === 'background';
    if (attrs.waitingImage !== '') this.#prefetchWaitingImage();
    if (attrs.autopush) {
      // autopush behaves like start() right after creation (the seed: "Whether to start pushing").
      env.clock.setTimeout(() => void this.start(), 0);
    }
  }

  get attributes(): PusherAttributes {
    return { ...this.#attrs };
  }

  onStateChange(listener: (event: StateChange) => void): void {
    this.#stateListeners.push(listener);
  }

  onNetStatus(listener: (status: NetStatus) => void): void {
    this.#netListeners.push(listener);
  }

  // ---- attributes -------------------------------------------------------------------------------
  setAttributes(patch: Partial<PusherAttributes>): void {
    const before = this.#attrs;
    const { attributes, warnings } = resolveAttributes(before, patch);
    for (const w of warnings)
      this.#log(
        'warn',
        `attribute ${w.field}=${JSON.stringify(w.value)}: expected ${w.expected}; using ${JSON.stringify(w.applied)}`,
      );
    this.#attrs = attributes;
    const changed = (k: keyof PusherAttributes) => before[k] !== attributes[k];

    if (changed('waitingImage') || changed('waitingImageHash')) this.#prefetchWaitingImage();
    if (this.#phase !== 'active') {
      if (changed('autopush') && attributes.autopush && this.#phase === 'idle') void this.start();
      return;
    }
    if (changed('url')) {
      this.#log('info', `url changed while pushing: restarting the push to ${attributes.url}`);
      void this.stop().then(() => this.start());
      return;
    }
    if (changed('minBitrate') || changed('maxBitrate')) {
      if (this.#controller.setBounds(attributes.minBitrate, attributes.maxBitrate)) this.#applyTarget();
    }
    if (changed('mode') || changed('aspect') || changed('orientation')) this.#reshape(true);
    if (changed('autoFocus')) this.#camera?.setAutoFocus(attributes.autoFocus);
    if (changed('beauty') || changed('whiteness'))
      this.#camera?.setFilters(attributes.beauty, attributes.whiteness);
    if (changed('enableCamera')) this.#refreshCapture();
    if (changed('muted') || changed('backgroundMute')) this.#refreshCapture();
    if (changed('audioQuality')) {
      this.#closeAudio();
      this.#audioHeaderSent = false;
      // The microphone and the silence source run at the encoder's rate: restart them at the new one.
      this.#mic?.close();
      this.#mic = undefined;
      this.#stopSilenceTimer();
      if (!this.#openAudioEncoder()) return;
      this.#refreshCapture();
    }
  }

  // ---- operations -------------------------------------------------------------------------------
  async start(): Promise<OperationResult> {
    const problem = checkPushUrl(this.#attrs.url);
    if (problem) return { ok: false, errMsg: `start:fail ${problem}` };
    if (this.#phase === 'active') return { ok: true, errMsg: 'start:ok (already pushing)' };
    this.#url = parseRtmpUrl(this.#attrs.url);
    this.#phase = 'active';
    const generation = ++this.#generation;
    this.#reconnectsDone = 0;
    this.#paused = false;
    this.#suspended = false;
    this.#startMs = this.#env.clock.now();
    this.#stats = { videoBytes: 0, audioBytes: 0, videoFrames: 0, lastVideoTs: -1, lastAudioTs: -1 };
    this.#keyframeTs = [];
    this.#controller = this.#newController();
    this.#selector = new ResolutionSelector(this.#controller.targetKbps, this.#attrs.mode);
    this.#video = this.#newEncoderManager();
    this.#reshape(false);
    // An unsupported resolution (-1305) has already ended the push: open nothing more.
    if (this.#phase !== 'active') return { ok: true, errMsg: 'start:ok' };
    if (!this.#openAudioEncoder()) return { ok: true, errMsg: 'start:ok' };
    void this.#openDevicesThenConnect(generation);
    return { ok: true, errMsg: 'start:ok' };
  }

  async stop(): Promise<OperationResult> {
    if (this.#phase === 'idle') return { ok: true, errMsg: 'stop:ok (not pushing)' };
    this.#shutdown('stop');
    this.#phase = 'idle';
    return { ok: true, errMsg: 'stop:ok' };
  }

  async pause(): Promise<OperationResult> {
    if (this.#phase !== 'active') return { ok: false, errMsg: 'pause:fail not pushing' };
    if (this.#paused) return { ok: true, errMsg: 'pause:ok (already paused)' };
    this.#paused = true;
    // Frames captured before the pause but not yet sent would go out while paused: drop them (resume()
    // starts again with a keyframe).
    this.#session?.dropQueuedMedia();
    this.#refreshCapture();
    return { ok: true, errMsg: 'pause:ok' };
  }

  async resume(): Promise<OperationResult> {
    if (this.#phase !== 'active') return { ok: false, errMsg: 'resume:fail not pushing' };
    if (!this.#paused) return { ok: true, errMsg: 'resume:ok (not paused)' };
    this.#paused = false;
    this.#video.requestKeyframe();
    this.#refreshCapture();
    return { ok: true, errMsg: 'resume:ok' };
  }

  async switchCamera(): Promise<OperationResult> {
    const target: CameraPosition = this.#cameraPosition === 'front' ? 'back' : 'front';
    if (!this.#camera) {
      // Not capturing: remember the choice for the next open.
      this.#cameraPosition = target;
      return { ok: true, errMsg: 'switchCamera:ok' };
    }
    let handle: CameraHandle;
    try {
      handle = await this.#env.devices.openCamera(this.#cameraOptions(target));
    } catch (e) {
      return { ok: false, errMsg: `switchCamera:fail ${describe(e)}` };
    }
    this.#camera?.close();
    this.#camera = undefined;
    this.#cameraPosition = target;
    this.#attachCamera(handle);
    this.#emit(EventCode.OPEN_CAMERA_SUCC);
    this.#video.requestKeyframe();
    return { ok: true, errMsg: 'switchCamera:ok' };
  }

  async snapshot(): Promise<OperationResult<SnapshotResult>> {
    const colour = this.#lastColour;
    if (!colour) return { ok: false, errMsg: 'snapshot:fail no picture yet' };
    const { width, height } = this.#env.viewSize;
    const png = renderSnapshotPng(width, height, colour);
    const tempImagePath = this.#env.files.writeTemp('.png', png);
    return { ok: true, errMsg: 'snapshot:ok', tempImagePath, width, height };
  }

  dispose(): void {
    try {
      this.#shutdown('dispose');
    } catch {
      // dispose must not throw: the harness calls it at the end of every case
    }
    this.#phase = 'idle';
  }

  // ---- connection lifecycle -------------------------------------------------------------------
  async #openDevicesThenConnect(generation: number): Promise<void> {
    const ok = await this.#refreshCaptureAsync(true);
    if (!ok || generation !== this.#generation || this.#phase !== 'active') return;
    this.#startTimers();
    this.#connect();
  }

  #connect(): void {
    const url = this.#url;
    if (!url || this.#phase !== 'active') return;
    this.#live = false;
    this.#sentSps = undefined;
    this.#sentPps = undefined;
    this.#audioHeaderSent = false;
    this.#droppingVideo = false;
    this.#controller.resetMeasurements();
    const session = new PushSession({
      env: this.#env,
      url,
      metadata: this.#metadata(),
      connectTimeoutMs: TUNING.connectTimeoutMs,
      stallTimeoutMs: TUNING.stallTimeoutMs,
      audioMaxQueueMs: TUNING.audioMaxQueueMs,
      closeGraceMs: TUNING.closeGraceMs,
      callbacks: {
        onConnected: () => {
          if (session === this.#session) this.#emit(EventCode.CONNECT_SUCC);
        },
        onPublishing: () => {
          if (session !== this.#session) return;
          this.#live = true;
          this.#reconnectsDone = 0;
          this.#video.requestKeyframe();
          this.#emit(EventCode.PUSH_BEGIN);
        },
        onFailure: (failure) => {
          if (session === this.#session) this.#onSessionFailure(failure);
        },
        onDrain: () => {},
        onMediaWritten: (kind, bytes, keyframe, timestampMs) => {
          if (session !== this.#session) return;
          if (kind === 'audio') {
            this.#stats.audioBytes += bytes;
            return;
          }
          this.#stats.videoBytes += bytes;
          this.#stats.videoFrames++;
          if (keyframe) {
            this.#keyframeTs.push(timestampMs);
            while (this.#keyframeTs[0] < timestampMs - GOP_WINDOW_MS) this.#keyframeTs.shift();
          }
        },
      },
    });
    this.#session = session;
    void session.begin();
  }

  #onSessionFailure(failure: SessionFailure): void {
    this.#live = false;
    this.#session = undefined;
    this.#emit(failure.code, failure.reason);
    if (this.#phase !== 'active') return;
    if (this.#reconnectsDone >= this.#env.profile.reconnectAttempts) {
      this.#emit(EventCode.NET_DISCONNECT);
      this.#shutdown('reconnect-exhausted');
      this.#phase = 'failed';
      return;
    }
    this.#reconnectsDone++;
    this.#emit(
      EventCode.WARNING_RECONNECT,
      `reconnection attempt ${this.#reconnectsDone} of ${this.#env.profile.reconnectAttempts}`,
    );
    this.#reconnectTimer = this.#env.clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#connect();
    }, this.#env.profile.reconnectIntervalMs);
  }

  #fatal(code: EventCodeValue, detail: string): void {
    this.#emit(code, detail);
    this.#shutdown('fatal');
    this.#phase = 'failed';
  }

  #shutdown(why: string): void {
    this.#generation++;
    this.#log('info', `shutting down (${why})`);
    const env = this.#env;
    env.clock.clearTimeout(this.#reconnectTimer);
    env.clock.clearTimeout(this.#keepAliveTimer);
    env.clock.clearInterval(this.#controlTimer);
    env.clock.clearInterval(this.#netTimer);
    this.#reconnectTimer = undefined;
    this.#keepAliveTimer = undefined;
    this.#controlTimer = undefined;
    this.#netTimer = undefined;
    this.#stopPictureTimer();
    this.#stopSilenceTimer();
    this.#session?.close();
    this.#session = undefined;
    this.#live = false;
    this.#camera?.close();
    this.#camera = undefined;
    this.#mic?.close();
    this.#mic = undefined;
    this.#video.close();
    this.#closeAudio();
  }

  #startTimers(): void {
    const clock = this.#env.clock;
    clock.clearInterval(this.#controlTimer);
    clock.clearInterval(this.#netTimer);
    this.#controlTimer = clock.setInterval(() => this.#controlStep(), TUNING.controlIntervalMs);
    this.#netTimer = clock.setInterval(() => this.#netStatusStep(), TUNING.netStatusIntervalMs);
  }

  // ---- capture: which sources run depends on phase, pause, background, attributes ------------
  #refreshCapture(): void {
    void this.#refreshCaptureAsync(false);
  }

  /** Open or close camera, microphone and synthetic sources to match the current state. */
  async #refreshCaptureAsync(initial: boolean): Promise<boolean> {
    const a = this.#attrs;
    const active = this.#phase === 'active' && !this.#suspended;
    const wantCamera = active && !this.#paused && !this.#background && a.enableCamera;
    const wantMic = active && !this.#paused && !a.muted && !(this.#background && a.backgroundMute);
    const wantSilence = active && !this.#paused && !wantMic;
    const waiting = this.#waitingImage?.ok ? this.#waitingImage : undefined;
    let picture: Ycbcr | undefined;
    let pictureFps = 0;
    if (active && !this.#paused && !wantCamera) {
      if (this.#background) {
        if (waiting) {
          picture = waiting.colour;
          pictureFps = this.#env.profile.waitingImageFps;
        }
      } else if (!a.enableCamera) {
        picture = BLACK;
        pictureFps = TUNING.blackFps;
      }
    }

    if (!wantCamera && this.#camera) {
      this.#camera.close();
      this.#camera = undefined;
    }
    if (!wantMic && this.#mic) {
      this.#mic.close();
      this.#mic = undefined;
    }
    this.#setPictureSource(picture, pictureFps);
    if (wantSilence) this.#startSilenceTimer();
    else this.#stopSilenceTimer();
    this.#applyTarget();

    const generation = this.#generation;
    if (wantCamera && !this.#camera && !this.#cameraOpening) {
      this.#cameraOpening = true;
      try {
        const handle = await this.#env.devices.openCamera(this.#cameraOptions(this.#cameraPosition));
        if (generation !== this.#generation || this.#camera) {
          handle.close();
        } else if (!this.#wantsCamera()) {
          // The app went to the background (or the push paused) while the camera was opening: the open
          // succeeded (1003), but no picture may be captured now (docs/spec.md background/camera/1).
          this.#emit(EventCode.OPEN_CAMERA_SUCC);
          handle.close();
        } else {
          this.#attachCamera(handle);
          this.#emit(EventCode.OPEN_CAMERA_SUCC);
          this.#video.requestKeyframe();
        }
      } catch (e) {
        if (generation === this.#generation) this.#fatal(EventCode.OPEN_CAMERA_FAIL, describe(e));
        return false;
      } finally {
        this.#cameraOpening = false;
      }
    }
    if (wantMic && !this.#mic && generation === this.#generation) {
      const audio = AUDIO[a.audioQuality];
      try {
        const handle = await this.#env.devices.openMicrophone({
          sampleRate: audio.sampleRate,
          channels: audio.channels,
        });
        if (generation !== this.#generation || this.#mic) {
          handle.close();
        } else {
          this.#mic = handle;
          this.#stopSilenceTimer();
          handle.onAudio((block) => this.#onAudioBlock(block));
          handle.onError((e) => {
            if (handle === this.#mic) this.#fatal(EventCode.OPEN_MIC_FAIL, describe(e));
          });
        }
      } catch (e) {
        if (generation === this.#generation) this.#fatal(EventCode.OPEN_MIC_FAIL, describe(e));
        return false;
      }
    }
    if (initial) this.#log('debug', 'capture ready');
    return generation === this.#generation;
  }

  /** Whether the camera should capture now (the same rule as `wantCamera` in #refreshCaptureAsync). */
  #wantsCamera(): boolean {
    return (
      this.#phase === 'active' &&
      !this.#suspended &&
      !this.#paused &&
      !this.#background &&
      this.#attrs.enableCamera
    );
  }

  #cameraOptions(position: CameraPosition) {
    const a = this.#attrs;
    // The camera captures at 720p; the encoder scales to the rung in use.
    const captureShape = shapeFor(CAPTURE_RUNG, a.aspect, a.orientation);
    return {
      position,
      width: captureShape.width,
      height: captureShape.height,
      fps: MODE_VIDEO[a.mode].fps,
      autoFocus: a.autoFocus,
      beauty: a.beauty,
      whiteness: a.whiteness,
    };
  }

  #attachCamera(handle: CameraHandle): void {
    this.#camera = handle;
    handle.onFrame((frame) => {
      if (handle !== this.#camera) return;
      this.#onPicture(frame.picture, frame.t);
    });
    handle.onError((e) => {
      if (handle === this.#camera) this.#fatal(EventCode.OPEN_CAMERA_FAIL, `camera failed: ${describe(e)}`);
    });
  }

  #setPictureSource(colour: Ycbcr | undefined, fps: number): void {
    this.#stopPictureTimer();
    if (!colour || fps <= 0) return;
    this.#pictureTimer = this.#env.clock.setInterval(() => {
      this.#onPicture({ colour, frameIndex: this.#pictureIndex++ }, this.#env.clock.now());
    }, 1000 / fps);
  }

  #stopPictureTimer(): void {
    this.#env.clock.clearInterval(this.#pictureTimer);
    this.#pictureTimer = undefined;
  }

  #startSilenceTimer(): void {
    if (this.#silenceTimer !== undefined) return;
    const rate = this.#audioEncoder?.config.sampleRate ?? AUDIO[this.#attrs.audioQuality].sampleRate;
    this.#silenceTimer = this.#env.clock.setInterval(
      () => {
        this.#onAudioBlock({ samples: 1024, t: this.#env.clock.now() });
      },
      (1024 * 1000) / rate,
    );
  }

  #stopSilenceTimer(): void {
    this.#env.clock.clearInterval(this.#silenceTimer);
    this.#silenceTimer = undefined;
  }

  // ---- media ------------------------------------------------------------------------------------
  #onPicture(picture: VideoPicture, captureMs: number): void {
    this.#lastColour = picture.colour;
    const session = this.#session;
    if (!this.#live || !session || this.#paused) return;
    const frame = this.#video.encode(picture);
    if (!frame) return;
    if (this.#droppingVideo) {
      // Keep dropping while the backlog is still long: resume only at a keyframe once it has drained.
      if (!frame.keyframe) return;
      if (this.#backlogDelayMs(session) > this.#resumeDelayMs()) {
        // A new size is still announced (its 1005 was emitted at the switch): the sequence header is small.
        this.#sendParameterSets(frame, this.#timestamp(captureMs, 'video'));
        return;
      }
      this.#droppingVideo = false;
    }
    // A gap in the video (pause, background) starts the keyframe-interval measure afresh.
    if (captureMs - this.#startMs - this.#stats.lastVideoTs > 1000) this.#keyframeTs = [];
    const ts = this.#timestamp(captureMs, 'video');
    if (!this.#sendParameterSets(frame, ts)) return;
    session.sendVideo(ts, avcNaluPacketBody(frame, 0, this.#videoBodies), frame.keyframe);
  }

  /** How long the data waiting (in our queue and in the socket) takes to leave at the measured rate, ms. */
  #backlogDelayMs(session: PushSession): number {
    const bytes = session.queuedBytes + session.socketBacklogBytes;
    if (bytes === 0) return 0;
    return (bytes * 8) / Math.max(this.#controller.throughputKbps, 1);
  }

  /** Video dropped for congestion resumes once the backlog is below half the drop threshold. */
  #resumeDelayMs(): number {
    return MODE_VIDEO[this.#attrs.mode].dropMs / 2;
  }

  /** Sends the AVC sequence header when SPS/PPS are new; a P frame before it is skipped. */
  #sendParameterSets(frame: EncodedVideoFrame, ts: number): boolean {
    if (
      this.#sentSps &&
      bytesEqual(this.#sentSps, frame.sps) &&
      this.#sentPps &&
      bytesEqual(this.#sentPps, frame.pps)
    ) {
      return true;
    }
    if (!frame.keyframe) {
      this.#video.requestKeyframe();
      return false;
    }
    this.#session?.sendVideo(ts, avcSequenceHeaderBody({ sps: frame.sps, pps: frame.pps }), false, true);
    this.#sentSps = frame.sps;
    this.#sentPps = frame.pps;
    return true;
  }

  #onAudioBlock(block: AudioBlock): void {
    const session = this.#session;
    const encoder = this.#audioEncoder;
    if (!this.#live || !session || this.#paused || !encoder) return;
    let frame: Uint8Array;
    try {
      frame = encoder.encode(block);
    } catch (e) {
      this.#fatal(EventCode.AUDIO_ENCODE_FAIL, describe(e));
      return;
    }
    const ts = this.#timestamp(block.t, 'audio');
    if (!this.#audioHeaderSent) {
      session.sendAudio(ts, aacSequenceHeaderBody(encoder.audioSpecificConfig()), true);
      this.#audioHeaderSent = true;
    }
    session.sendAudio(ts, aacRawFrameBody(frame));
  }

  /** Milliseconds since start(), never going backwards within a track. */
  #timestamp(captureMs: number, track: 'video' | 'audio'): number {
    const key = track === 'video' ? 'lastVideoTs' : 'lastAudioTs';
    const ts = Math.max(Math.round(captureMs - this.#startMs), this.#stats[key], 0);
    this.#stats[key] = ts;
    return ts;
  }

  #openAudioEncoder(): boolean {
    const audio = AUDIO[this.#attrs.audioQuality];
    try {
      this.#audioEncoder = this.#env.devices.openAudioEncoder({
        sampleRate: audio.sampleRate,
        channels: audio.channels,
        targetBitrateKbps: audio.kbps,
      });
      return true;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      this.#fatal(
        code === 'UNSUPPORTED' ? EventCode.UNSUPPORTED_SAMPLERATE : EventCode.AUDIO_ENCODE_FAIL,
        describe(e),
      );
      return false;
    }
  }

  #closeAudio(): void {
    this.#audioEncoder?.close();
    this.#audioEncoder = undefined;
  }

  // ---- adaptation -------------------------------------------------------------------------------
  #controlStep(): void {
    const session = this.#session;
    // Paused: nothing is sent, so the socket says nothing about the link; adapting on that silence raised
    // the target and changed the resolution back and forth with no frame pushed (spurious 1005s, campaign
    // seed 1 run 255). Adaptation resumes with the media.
    if (!this.#live || !session || this.#paused) return;
    const now = this.#env.clock.now();
    const decision = this.#controller.update({
      nowMs: now,
      bytesHandedToSocket: session.bytesHandedToSocket,
      socketBacklogBytes: session.socketBacklogBytes,
      appBacklogBytes: session.queuedBytes,
      audioKbps: this.#audioEncoder?.config.targetBitrateKbps ?? 0,
    });
    if (decision.changed) this.#applyTarget();
    if (decision.dropVideo) {
      // Video that waits this long is stale: drop what is queued (whole GOPs, the socket holds at most one
      // message) and what comes next until a keyframe finds the backlog drained (#onPicture).
      session.dropQueuedVideo();
      if (!this.#droppingVideo) {
        this.#droppingVideo = true;
        this.#video.requestKeyframe();
      }
    } else if (this.#droppingVideo && this.#backlogDelayMs(session) <= this.#resumeDelayMs()) {
      this.#video.requestKeyframe();
    }
    if (decision.netBusy && now - this.#lastNetBusyMs >= TUNING.netBusyRepeatMs) {
      this.#lastNetBusyMs = now;
      this.#emit(
        EventCode.WARNING_NET_BUSY,
        `throughput ${decision.throughputKbps} kbit/s, queue ${decision.queueDelayMs} ms`,
      );
    }
    if (!this.#background) this.#reshape(true, now);
  }

  /** Push the controller's target (or the background/black target) into the encoder; 1006 on change. */
  #applyTarget(): void {
    const target = this.#effectiveTarget();
    const before = this.#video.config?.targetBitrateKbps;
    if (before === undefined || before === target) return;
    this.#video.setTargetBitrate(target);
    this.#emit(EventCode.CHANGE_BITRATE, `video bitrate ${before} → ${target} kbit/s`);
  }

  #effectiveTarget(): number {
    if (this.#background) return TUNING.waitingImageKbps;
    if (!this.#attrs.enableCamera) return Math.min(TUNING.blackKbps, this.#attrs.minBitrate);
    return this.#controller.targetKbps;
  }

  /** Choose the resolution for the current target; reopen the encoder (and 1005) when it changes. */
  #reshape(announce: boolean, nowMs = this.#env.clock.now()): void {
    const a = this.#attrs;
    const rung = announce
      ? this.#selector.update(this.#controller.targetKbps, a.mode, nowMs)
      : this.#selector.reset(this.#controller.targetKbps, a.mode);
    const shape = shapeFor(rung, a.aspect, a.orientation);
    const mv = MODE_VIDEO[a.mode];
    const previous = this.#video.config;
    const ok = this.#video.configure({
      width: shape.width,
      height: shape.height,
      fps: mv.fps,
      gopFrames: mv.fps * mv.gopSeconds,
      targetBitrateKbps: this.#effectiveTarget(),
    });
    if (!ok) return;
    const resized =
      previous !== undefined && (previous.width !== shape.width || previous.height !== shape.height);
    this.#shape = shape;
    if (resized && announce) {
      // 1005 reports a change of the pushed size: only on a live connection that already carried a
      // sequence header at the old size (docs/spec.md bitrate/events/2); otherwise the next connection's
      // first header simply is the size.
      if (this.#live && this.#sentSps !== undefined)
        this.#emit(
          EventCode.CHANGE_RESOLUTION,
          `resolution ${previous.width}x${previous.height} → ${shape.width}x${shape.height}`,
        );
      this.#session?.sendMetadata(this.#metadata());
    }
  }

  #metadata(): Amf0Object {
    const mv = MODE_VIDEO[this.#attrs.mode];
    const audio = AUDIO[this.#attrs.audioQuality];
    return {
      width: this.#shape.width,
      height: this.#shape.height,
      framerate: mv.fps,
      videodatarate: this.#controller.targetKbps,
      videocodecid: 7,
      audiodatarate: audio.kbps,
      audiosamplerate: audio.sampleRate,
      audiosamplesize: 16,
      stereo: audio.channels === 2,
      audiocodecid: 10,
      encoder: `${REFERENCE_PUSHER_IDENTITY.name}/${REFERENCE_PUSHER_IDENTITY.version}`,
    };
  }

  /**
   * The keyframe interval actually sent (mean over the last GOP_WINDOW_MS, 0.1 s), not the configured one:
   * forced keyframes (resume, congestion, resize) shorten it (docs/spec.md `stream/keyframe/2`).
   */
  #gopSeconds(): number {
    const k = this.#keyframeTs;
    if (k.length < 2) return MODE_VIDEO[this.#attrs.mode].gopSeconds;
    return Math.round((k[k.length - 1] - k[0]) / (k.length - 1) / 100) / 10;
  }

  #netStatusStep(): void {
    const s = this.#stats;
    const cfg = this.#video.config;
    const status: NetStatus = {
      videoBitrate: Math.round((s.videoBytes * 8) / 1000),
      audioBitrate: Math.round((s.audioBytes * 8) / 1000),
      videoFps: s.videoFrames,
      videoGop: this.#gopSeconds(),
      netSpeed: Math.round(this.#controller.throughputKbps),
      netJitter: 0,
      videoCache: 0,
      audioCache: 0,
      videoWidth: cfg?.width ?? 0,
      videoHeight: cfg?.height ?? 0,
      targetBitrate: this.#effectiveTarget(),
    };
    s.videoBytes = 0;
    s.audioBytes = 0;
    s.videoFrames = 0;
    if (!this.#live) return;
    for (const l of this.#netListeners) l(status);
  }

  // ---- background and waiting image -------------------------------------------------------------
  #prefetchWaitingImage(): void {
    const { waitingImage, waitingImageHash } = this.#attrs;
    const key = `${waitingImage}#${waitingImageHash}`;
    if (key === this.#waitingImageFor) return;
    this.#waitingImageFor = key;
    this.#waitingImage = undefined;
    if (waitingImage === '') return;
    void loadWaitingImage(this.#env.http, waitingImage, waitingImageHash).then((result) => {
      if (this.#waitingImageFor !== key) return;
      this.#waitingImage = result;
      if (!result.ok) this.#log('warn', `waiting image not used: ${result.reason} (${result.detail})`);
      if (this.#background) this.#refreshCapture();
    });
  }

  #onAppState(state: 'foreground' | 'background'): void {
    const toBackground = state === 'background';
    if (toBackground === this.#background) return;
    this.#background = toBackground;
    this.#keyframeTs = []; // the other source's keyframes are not this one's GOP
    const clock = this.#env.clock;
    if (toBackground) {
      if (this.#phase === 'active') {
        this.#keepAliveTimer = clock.setTimeout(() => {
          this.#keepAliveTimer = undefined;
          this.#suspendInBackground();
        }, this.#env.profile.waitingImageKeepAliveMs);
      }
      this.#video.requestKeyframe();
      this.#refreshCapture();
      return;
    }
    clock.clearTimeout(this.#keepAliveTimer);
    this.#keepAliveTimer = undefined;
    if (this.#phase !== 'active') return;
    this.#video.requestKeyframe();
    if (this.#suspended) {
      // The keep-alive ran out in the background; coming back starts a new connection.
      this.#suspended = false;
      this.#reconnectsDone = 0;
      this.#refreshCapture();
      this.#connect();
      return;
    }
    this.#refreshCapture();
  }

  #suspendInBackground(): void {
    if (this.#phase !== 'active' || !this.#background) return;
    this.#log('info', 'waiting-image keep-alive elapsed: stop pushing until the app returns');
    this.#suspended = true;
    this.#env.clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#session?.close();
    this.#session = undefined;
    this.#live = false;
    this.#refreshCapture();
  }

  // ---- plumbing ---------------------------------------------------------------------------------
  #newEncoderManager(): VideoEncoderManager {
    return new VideoEncoderManager(this.#env.devices, {
      warn: (code, detail) => this.#emit(code as EventCodeValue, detail),
      fatal: (code, detail) => this.#fatal(code as EventCodeValue, detail),
    });
  }

  #newController(): BitrateController {
    const mv = MODE_VIDEO[this.#attrs.mode];
    return new BitrateController({
      minKbps: this.#attrs.minBitrate,
      maxKbps: this.#attrs.maxBitrate,
      congestedDelayMs: mv.congestedMs,
      dropDelayMs: mv.dropMs,
    });
  }

  #emit(code: EventCodeValue, detail?: string): void {
    const message = detail ? `${EVENT_MESSAGES[code]} (${detail})` : EVENT_MESSAGES[code];
    this.#log('info', `event ${code}: ${message}`);
    for (const l of this.#stateListeners) l({ code, message });
  }

  #log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    if (this.#attrs?.debug || level === 'warn' || level === 'error') this.#env.log(level, message);
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
