import t from 'tap';
import type { AudioEncoderConfig } from '../../../harness/adapter/types.js';
import { expectError } from '../../helpers/expect-error.js';
import { deviceWorld } from './device-world.js';

const config: AudioEncoderConfig = { sampleRate: 48000, channels: 1, targetBitrateKbps: 64 };
const block = { samples: 1024, t: 0 };

t.test('the audio encoder wraps the synthetic AAC encoder', async (t) => {
  const w = deviceWorld();
  const enc = w.devices.openAudioEncoder(config);
  t.same(enc.config, config);
  t.same([...enc.audioSpecificConfig()], [0x11, 0x88]);
  t.ok(enc.encode(block).length > 0);
  enc.close();
  t.same(w.calls(), [
    { device: 'audioEncoder', method: 'openAudioEncoder', session: 1, args: config, result: 'ok' },
    { device: 'audioEncoder', method: 'close', session: 1, args: {}, result: 'ok', framesEncoded: 1 },
  ]);
});

t.test('unsupported sample rates and channel counts throw UNSUPPORTED at open', async (t) => {
  const w = deviceWorld({ audioEncoder: { supportedSampleRates: [44100] } });
  expectError(t, () => w.devices.openAudioEncoder(config), {
    code: 'UNSUPPORTED',
    message: /^Failed to open the audio encoder: sampleRate 48000 is not supported \(supported: 44100\)/,
  });
  expectError(t, () => w.devices.openAudioEncoder({ ...config, sampleRate: 22050 }), { code: 'UNSUPPORTED' });
  expectError(t, () => w.devices.openAudioEncoder({ ...config, sampleRate: 44100, channels: 6 as never }), {
    code: 'UNSUPPORTED',
    message: /channels is 6/,
  });
  t.ok(w.devices.openAudioEncoder({ ...config, sampleRate: 44100 }));
  t.same(
    w.calls('openAudioEncoder').map((d) => [(d.args as { sampleRate: number }).sampleRate, d.error ?? 'ok']),
    [
      [48000, 'UNSUPPORTED'],
      [22050, 'UNSUPPORTED'],
      [44100, 'UNSUPPORTED'],
      [44100, 'ok'],
    ],
  );
});

t.test('the audio encoder fails at frame N and at open when scripted', async (t) => {
  const w = deviceWorld({ audioEncoder: { failAtFrame: 2 } });
  const enc = w.devices.openAudioEncoder(config);
  enc.encode(block);
  enc.encode(block);
  expectError(t, () => enc.encode({ samples: 1024, t: 42.5 }), {
    code: 'FAILED',
    message: /^Failed to encode audio: it fails at frame 2 \(scripted failAtFrame\)/,
  });
  expectError(t, () => enc.encode(block), { code: 'FAILED', message: /stays broken/ });
  t.same(w.calls('encode')[0].args, { frame: 2, t: 42.5 });
  t.same(w.devices.control.stats().audioEncoder, { opens: 1, framesEncoded: 2, open: 1, broken: true });
  const never = deviceWorld({ audioEncoder: { open: 'failed' } });
  expectError(t, () => never.devices.openAudioEncoder(config), { code: 'FAILED', message: /does not start/ });
});
