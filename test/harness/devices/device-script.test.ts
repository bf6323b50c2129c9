import t from 'tap';
import {
  type DeviceScriptError,
  parseDeviceScript,
  resolveDeviceScript,
} from '../../../harness/devices/index.js';
import { expectError } from '../../helpers/expect-error.js';

const defaultCamera = {
  open: 'ok',
  openLatencyMs: 50,
  openJitterMs: 0,
  failAfterMs: null,
  maxFps: 30,
  fpsChanges: [],
};
const defaultVideoEncoder = {
  open: 'ok',
  failAtFrame: null,
  overloadAtMs: [],
  maxPixels: 3840 * 2160,
  unsupportedSizes: [],
};

t.test('an empty script resolves to every default', async (t) => {
  const s = resolveDeviceScript();
  t.same(s, {
    cameras: { front: defaultCamera, back: defaultCamera },
    microphone: { open: 'ok', openLatencyMs: 20, openJitterMs: 0, failAfterMs: null },
    videoEncoders: { hardware: defaultVideoEncoder, software: defaultVideoEncoder },
    audioEncoder: { open: 'ok', failAtFrame: null, supportedSampleRates: [16000, 44100, 48000] },
    app: [],
  });
  t.ok(Object.isFrozen(s.cameras.front), 'frozen all the way down');
  t.equal(resolveDeviceScript(s), s, 'a resolved script passes through');
  t.same(JSON.parse(JSON.stringify(s)), s, 'plain JSON');
});

t.test('the YAML of the docs resolves, shared encoder settings merged into both kinds', async (t) => {
  const s = parseDeviceScript(`
cameras: { front: { open: ok, failAfterMs: 30000, maxFps: 30 }, back: { open: denied } }
microphone: { open: ok }
videoEncoders: { hardware: { failAtFrame: 100, unsupportedSizes: ["640x360"] }, software: {}, overloadAtMs: 20000, unsupportedSizes: ["1920x1080"] }
audioEncoder: { failAtFrame: 500, supportedSampleRates: [44100, 48000] }
app: [ { atMs: 10000, state: background }, { atMs: 40000, state: foreground } ]
`);
  t.same(s.cameras.front, { ...defaultCamera, failAfterMs: 30000 });
  t.equal(s.cameras.back.open, 'denied');
  t.same(s.videoEncoders.hardware, {
    ...defaultVideoEncoder,
    failAtFrame: 100,
    overloadAtMs: [20000],
    unsupportedSizes: ['1920x1080', '640x360'],
  });
  t.same(s.videoEncoders.software, {
    ...defaultVideoEncoder,
    overloadAtMs: [20000],
    unsupportedSizes: ['1920x1080'],
  });
  t.same(s.audioEncoder, { open: 'ok', failAtFrame: 500, supportedSampleRates: [44100, 48000] });
  t.same(s.app, [
    { atMs: 10000, state: 'background' },
    { atMs: 40000, state: 'foreground' },
  ]);
  t.same(
    parseDeviceScript('{"cameras": {"back": {"open": "occupied"}}}').cameras.back.open,
    'occupied',
    'JSON too',
  );
  t.same(parseDeviceScript(''), resolveDeviceScript(), 'empty text: defaults');
});

t.test('malformed scripts are rejected with the path, the value and what was expected', async (t) => {
  const cases: [unknown, string][] = [
    [
      { cameras: { front: { open: 'maybe' } } },
      'cameras.front.open: "maybe" (expected one of ok, denied, occupied, not-found)',
    ],
    [
      { cameras: { back: { failAfterM: 3000 } } },
      'cameras.back.failAfterM: 3000 (expected a known field: open, openLatencyMs, openJitterMs, failAfterMs, maxFps, fpsChanges)',
    ],
    [{ microphone: { openLatencyMs: -5 } }, 'microphone.openLatencyMs: -5 (expected a number >= 0)'],
    [
      { videoEncoders: { hardware: { failAtFrame: 2.5 } } },
      'videoEncoders.hardware.failAtFrame: 2.5 (expected an integer)',
    ],
    [
      { videoEncoders: { unsupportedSizes: ['1080p'] } },
      'videoEncoders.unsupportedSizes[0]: "1080p" (expected a size like "1920x1080")',
    ],
    [
      { audioEncoder: { supportedSampleRates: [48000, 22050] } },
      'audioEncoder.supportedSampleRates[1]: 22050 (expected one of 16000, 44100, 48000)',
    ],
    [
      {
        app: [
          { atMs: 5000, state: 'background' },
          { atMs: 1000, state: 'foreground' },
        ],
      },
      "app[1].atMs: 1000 (expected a time later than the previous entry's 5000)",
    ],
    [{ app: [{ state: 'background' }] }, 'app[0].atMs: missing (expected a finite number)'],
    [{ cameras: { front: { maxFps: 0 } } }, 'cameras.front.maxFps: 0 (expected a number > 0)'],
    [
      { cameras: { front: { fpsChanges: [{ atMs: 'soon', maxFps: 10 }] } } },
      'cameras.front.fpsChanges[0].atMs: "soon" (expected a finite number)',
    ],
    [{ microphone: 'broken' }, 'microphone: "broken" (expected an object)'],
    [42, '(root): 42 (expected an object)'],
  ];
  for (const [input, message] of cases) {
    expectError(
      t,
      () => resolveDeviceScript(input),
      { code: 'INVALID_DEVICE_SCRIPT', name: 'DeviceScriptError' },
      message,
    );
    try {
      resolveDeviceScript(input);
    } catch (e) {
      t.equal((e as Error).message, `Failed to load device script: ${message}`);
    }
  }
});

t.test('every issue is reported, structured as well as in the message', async (t) => {
  try {
    resolveDeviceScript({
      cameras: { front: { open: 'maybe', maxFps: Number.POSITIVE_INFINITY } },
      extra: true,
    });
    t.fail('should throw');
  } catch (e) {
    const err = e as DeviceScriptError;
    t.same(err.issues.map((i) => i.path).sort(), ['cameras.front.maxFps', 'cameras.front.open', 'extra']);
    t.match(err.message, /cameras\.front\.maxFps: Infinity \(expected a finite number\)/);
  }
});

t.test('text that is not YAML is rejected', async (t) => {
  expectError(t, () => parseDeviceScript('cameras: { front: [ }'), {
    code: 'INVALID_DEVICE_SCRIPT',
    message: /^Failed to load device script: the text is not YAML or JSON: /,
  });
});
