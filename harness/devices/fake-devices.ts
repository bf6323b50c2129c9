/**
 * The fake hardware as the adapter's `Devices` (harness/adapter/types.ts), scripted by a device script
 * (docs/devices.md). Every call the pusher makes is recorded as `device.call`; see device-records.ts for
 * every record kind.
 */
import type {
  AudioEncoderConfig,
  AudioEncoderHandle,
  CameraHandle,
  CameraOpenOptions,
  CameraPosition,
  Devices,
  MicrophoneHandle,
  MicrophoneOpenOptions,
  VideoEncoderConfig,
  VideoEncoderHandle,
} from '../adapter/types.js';
import type { Rng } from '../sim/prng.js';
import type { Scheduler } from '../sim/scheduler.js';
import { FakeDeviceError } from './device-error.js';
import type { VideoEncoderKind } from './device-records.js';
import { type DeviceScript, type DeviceScriptInput, resolveDeviceScript } from './device-script.js';
import { DeviceTrace, type DeviceTraceSink, traceArgs } from './device-trace.js';
import { type AudioEncoderStats, FakeAudioEncoder } from './fake-audio-encoder.js';
import { type CameraStats, FakeCamera } from './fake-camera.js';
import { FakeMicrophone, type MicrophoneStats } from './fake-microphone.js';
import { FakeVideoEncoder, type VideoEncoderStats } from './fake-video-encoder.js';

export interface FakeDevicesOptions {
  scheduler: Scheduler;
  /** Forked per device (`devices/camera/front`, ...); drawn from only for scripted open jitter. */
  rng: Rng;
  trace: DeviceTraceSink;
  /** Resolved here if it is not already. Default: every device works. */
  script?: DeviceScriptInput | DeviceScript;
}

/** Counters an oracle or a test can read at any time (nothing per frame goes to the trace). */
export interface FakeDeviceStats {
  cameras: { front: CameraStats; back: CameraStats };
  microphone: MicrophoneStats;
  videoEncoders: { hardware: VideoEncoderStats; software: VideoEncoderStats };
  audioEncoder: AudioEncoderStats;
}

/** What a scenario can do to the hardware besides the script. Every action is recorded as `device.fault`. */
export interface FakeDevicesControl {
  readonly script: DeviceScript;
  stats(): FakeDeviceStats;
  /** Fail the open session of that camera now (onError FAILED). False when it was not open. */
  failCamera(position: CameraPosition): boolean;
  /** Fail the open microphone session now. False when it was not open. */
  failMicrophone(): boolean;
  /** A performance drop now: open video encoders (of `kind`, default both) report overload once. */
  overloadVideoEncoders(kind?: VideoEncoderKind): number;
}

export type FakeDevices = Devices & { readonly control: FakeDevicesControl };

/**
 * Build the fake hardware. Records `device.script {script}` (the resolved script) at once.
 * @throws DeviceScriptError when the script is invalid.
 */
export function createFakeDevices(options: FakeDevicesOptions): FakeDevices {
  const { scheduler, rng } = options;
  const trace = new DeviceTrace(options.trace);
  const script = resolveDeviceScript(options.script);
  trace.record('device.script', { script: traceArgs({ ...script }) });

  const cameras = {
    front: new FakeCamera({
      position: 'front',
      script: script.cameras.front,
      scheduler,
      rng: rng.fork('devices/camera/front'),
      trace,
    }),
    back: new FakeCamera({
      position: 'back',
      script: script.cameras.back,
      scheduler,
      rng: rng.fork('devices/camera/back'),
      trace,
    }),
  };
  const microphone = new FakeMicrophone({
    script: script.microphone,
    scheduler,
    rng: rng.fork('devices/microphone'),
    trace,
  });
  const videoEncoders = {
    hardware: new FakeVideoEncoder({
      kind: 'hardware',
      script: script.videoEncoders.hardware,
      scheduler,
      trace,
    }),
    software: new FakeVideoEncoder({
      kind: 'software',
      script: script.videoEncoders.software,
      scheduler,
      trace,
    }),
  };
  const audioEncoder = new FakeAudioEncoder({ script: script.audioEncoder, trace });

  return {
    openCamera(cameraOptions: CameraOpenOptions): Promise<CameraHandle> {
      const position = cameraOptions?.position;
      if (position !== 'front' && position !== 'back') {
        const error = new FakeDeviceError(
          'NOT_FOUND',
          `camera:${String(position)}`,
          `Failed to open camera ${String(position)}: no such camera (expected front or back)`,
        );
        trace.record('device.call', {
          device: 'camera',
          method: 'openCamera',
          args: traceArgs({ ...cameraOptions }),
          result: 'error',
          error: error.code,
          message: error.message,
          calledAtMs: scheduler.now / 1000,
        });
        return Promise.reject(error);
      }
      return cameras[position].open(cameraOptions);
    },
    openMicrophone(micOptions: MicrophoneOpenOptions): Promise<MicrophoneHandle> {
      return microphone.open(micOptions);
    },
    openVideoEncoder(kind: VideoEncoderKind, config: VideoEncoderConfig): VideoEncoderHandle {
      if (kind !== 'hardware' && kind !== 'software') {
        const error = new FakeDeviceError(
          'NOT_FOUND',
          `videoEncoder:${String(kind)}`,
          `Failed to open the ${String(kind)} video encoder: no such encoder (expected hardware or software)`,
        );
        trace.record('device.call', {
          device: 'videoEncoder',
          method: 'openVideoEncoder',
          args: traceArgs({ kind, ...config }),
          result: 'error',
          error: error.code,
          message: error.message,
        });
        throw error;
      }
      return videoEncoders[kind].open(config);
    },
    openAudioEncoder(config: AudioEncoderConfig): AudioEncoderHandle {
      return audioEncoder.open(config);
    },
    control: {
      script,
      stats: () => ({
        cameras: { front: cameras.front.stats(), back: cameras.back.stats() },
        microphone: microphone.stats(),
        videoEncoders: { hardware: videoEncoders.hardware.stats(), software: videoEncoders.software.stats() },
        audioEncoder: audioEncoder.stats(),
      }),
      failCamera: (position) => cameras[position].fail(),
      failMicrophone: () => microphone.fail(),
      overloadVideoEncoders: (kind) =>
        kind === undefined
          ? videoEncoders.hardware.overload() + videoEncoders.software.overload()
          : videoEncoders[kind].overload(),
    },
  };
}
