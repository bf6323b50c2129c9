/**
 * The fake hardware (docs/devices.md): cameras, microphone, video and audio encoders and the app lifecycle
 * of a simulated phone, scripted by a device script and recorded in the trace.
 */
export {
  type AppLifecycleControl,
  type AppLifecycleOptions,
  createAppLifecycle,
  type FakeAppLifecycle,
} from './app-lifecycle.js';
export { FakeDeviceError, isDeviceError } from './device-error.js';
export type {
  AppStateRecord,
  CameraFirstFrameRecord,
  CameraFpsRecord,
  CameraStoppedRecord,
  DeviceCallRecord,
  DeviceFaultRecord,
  DeviceName,
  DeviceRecordData,
  DeviceRecordKind,
  DeviceScriptRecord,
  HandleState,
  MicrophoneFirstBlockRecord,
  MicrophoneStoppedRecord,
  VideoEncoderKind,
} from './device-records.js';
export {
  AAC_SAMPLE_RATES,
  type AacSampleRate,
  type AppSwitch,
  type AudioEncoderScript,
  type CameraScript,
  DEVICE_SCRIPT_DEFAULTS,
  type DeviceScript,
  type DeviceScriptInput,
  deviceScriptSchema,
  ENCODER_OPEN_OUTCOMES,
  type EncoderOpenOutcome,
  type FpsChange,
  type MicrophoneScript,
  OPEN_OUTCOMES,
  type OpenOutcome,
  parseDeviceScript,
  resolveDeviceScript,
  type VideoEncoderScript,
} from './device-script.js';
export {
  DeviceScriptError,
  type DeviceScriptErrorCode,
  type DeviceScriptIssue,
} from './device-script-error.js';
export type { DeviceTraceSink } from './device-trace.js';
export type { AudioEncoderStats } from './fake-audio-encoder.js';
export type { CameraStats } from './fake-camera.js';
export {
  createFakeDevices,
  type FakeDeviceStats,
  type FakeDevices,
  type FakeDevicesControl,
  type FakeDevicesOptions,
} from './fake-devices.js';
export { type MicrophoneStats, SAMPLES_PER_BLOCK } from './fake-microphone.js';
export type { VideoEncoderStats } from './fake-video-encoder.js';
export {
  BEAUTY_CB_STEP,
  cameraColour,
  identifyPictureColour,
  MAX_FILTER_LEVEL,
  MIN_SOURCE_LUMA_DISTANCE,
  PICTURE_COLOURS,
  type PictureColour,
  type PictureIdentity,
  type PictureSource,
  WHITENESS_LUMA_STEP,
  waitingImageColour,
} from './picture-colours.js';
