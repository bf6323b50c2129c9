/**
 * The event codes of the seed ("Internal Events") plus the two the SDK adds (1005, 1006), with the names
 * and messages a pusher reports in `statechange`. See docs/spec.md for the conditions of each.
 */
export const EventCode = {
  CONNECT_SUCC: 1001,
  PUSH_BEGIN: 1002,
  OPEN_CAMERA_SUCC: 1003,
  CHANGE_RESOLUTION: 1005,
  CHANGE_BITRATE: 1006,
  OPEN_CAMERA_FAIL: -1301,
  OPEN_MIC_FAIL: -1302,
  VIDEO_ENCODE_FAIL: -1303,
  AUDIO_ENCODE_FAIL: -1304,
  UNSUPPORTED_RESOLUTION: -1305,
  UNSUPPORTED_SAMPLERATE: -1306,
  NET_DISCONNECT: -1307,
  WARNING_NET_BUSY: 1101,
  WARNING_RECONNECT: 1102,
  WARNING_HW_ACCELERATION_FAIL: 1103,
  WARNING_SWITCH_SWENC: 1107,
  WARNING_DNS_FAIL: 3001,
  WARNING_SERVER_CONN_FAIL: 3002,
  WARNING_SHAKE_FAIL: 3003,
  WARNING_SERVER_DISCONNECT: 3004,
  WARNING_SOCKET_DISCONNECT: 3005,
} as const;

export type EventCodeValue = (typeof EventCode)[keyof typeof EventCode];

export const EVENT_MESSAGES: Record<EventCodeValue, string> = {
  1001: 'PUSH_EVT_CONNECT_SUCC: connected to the server',
  1002: 'PUSH_EVT_PUSH_BEGIN: handshake with the server completed, push begins',
  1003: 'PUSH_EVT_OPEN_CAMERA_SUCC: camera enabled',
  1005: 'PUSH_EVT_CHANGE_RESOLUTION: resolution changed',
  1006: 'PUSH_EVT_CHANGE_BITRATE: bitrate changed',
  [-1301]: 'PUSH_ERR_OPEN_CAMERA_FAIL: failed to enable the camera',
  [-1302]: 'PUSH_ERR_OPEN_MIC_FAIL: failed to enable the microphone',
  [-1303]: 'PUSH_ERR_VIDEO_ENCODE_FAIL: video encoding failed',
  [-1304]: 'PUSH_ERR_AUDIO_ENCODE_FAIL: audio encoding failed',
  [-1305]: 'PUSH_ERR_UNSUPPORTED_RESOLUTION: unsupported video resolution',
  [-1306]: 'PUSH_ERR_UNSUPPORTED_SAMPLERATE: unsupported audio sampling rate',
  [-1307]: 'PUSH_ERR_NET_DISCONNECT: network disconnected, reconnection failed three times, restart the push',
  1101: 'PUSH_WARNING_NET_BUSY: the upstream network is poor',
  1102: 'PUSH_WARNING_RECONNECT: network disconnected, auto reconnection started',
  1103: 'PUSH_WARNING_HW_ACCELERATION_FAIL: hardware encoder failed, using software encoding',
  1107: 'PUSH_WARNING_SWITCH_SWENC: encoder switched due to machine performance',
  3001: 'PUSH_WARNING_DNS_FAIL: DNS resolution failed, retrying',
  3002: 'PUSH_WARNING_SEVER_CONN_FAIL: failed to connect to the server, retrying',
  3003: 'PUSH_WARNING_SHAKE_FAIL: server handshake failed, retrying',
  3004: 'PUSH_WARNING_SERVER_DISCONNECT: server actively disconnected, retrying',
  3005: 'PUSH_WARNING_SERVER_DISCONNECT: socket disconnected due to an exception, retrying',
};
