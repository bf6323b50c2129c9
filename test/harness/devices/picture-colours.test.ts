import t from 'tap';
import { toAnnexB } from '../../../harness/devices/encoders/h264/index.js';
import {
  cameraColour,
  createFakeDevices,
  identifyPictureColour,
  MIN_SOURCE_LUMA_DISTANCE,
  PICTURE_COLOURS,
  type PictureColour,
  waitingImageColour,
} from '../../../harness/devices/index.js';
import { Simulation } from '../../../harness/sim/index.js';
import { decodeVideoFrames } from '../../../harness/validation/ffprobe.js';

const levels = Array.from({ length: 10 }, (_, i) => i);

function allColours(
  position: 'front' | 'back',
): { colour: PictureColour; beauty: number; whiteness: number }[] {
  return levels.flatMap((beauty) =>
    levels.map((whiteness) => ({ colour: cameraColour(position, beauty, whiteness), beauty, whiteness })),
  );
}

t.test('sources are at least 40 apart in luma at every filter level', async (t) => {
  const front = allColours('front').map((c) => c.colour.y);
  const back = allColours('back').map((c) => c.colour.y);
  const black = PICTURE_COLOURS.black.y;
  t.equal(MIN_SOURCE_LUMA_DISTANCE, 40);
  t.equal(Math.min(...front) - Math.max(...back), 41, 'front vs back');
  t.ok(Math.min(...back) - black >= 40, 'back vs black');
  t.ok(Math.max(...front) <= 235, 'legal luma');
});

t.test('the filter formula: whiteness +3 Y per level, beauty +3 Cb per level, clamped to 0..9', async (t) => {
  t.same(cameraColour('front'), PICTURE_COLOURS.front);
  t.same(cameraColour('back', 4, 7), { y: 103, cb: 182, cr: 100 });
  t.same(cameraColour('front', 12, -3), { y: 150, cb: 107, cr: 160 });
  t.same(cameraColour('front', Number.NaN, 2.6), { y: 159, cb: 80, cr: 160 });
});

t.test('identifyPictureColour inverts cameraColour for every level, and rejects strangers', async (t) => {
  const wrong: string[] = [];
  for (const position of ['front', 'back'] as const) {
    for (const { colour, beauty, whiteness } of allColours(position)) {
      for (const tolerance of [0, 1]) {
        const jittered = { y: colour.y + tolerance, cb: colour.cb - tolerance, cr: colour.cr };
        const id = identifyPictureColour(jittered, tolerance);
        if (id?.source !== position || id.beauty !== beauty || id.whiteness !== whiteness) {
          wrong.push(`${position} b${beauty} w${whiteness} ±${tolerance}: ${JSON.stringify(id)}`);
        }
      }
    }
  }
  t.same(wrong, []);
  t.same(identifyPictureColour(PICTURE_COLOURS.black), { source: 'black', beauty: 0, whiteness: 0 });
  t.equal(identifyPictureColour({ y: 235, cb: 128, cr: 128 }), undefined, 'a white waiting image');
  t.equal(
    identifyPictureColour({ y: 151, cb: 80, cr: 160 }),
    undefined,
    'odd luma offsets are not a filter level',
  );
});

t.test('waitingImageColour is BT.601 limited range of the mean RGB', async (t) => {
  t.same(waitingImageColour({ r: 255, g: 255, b: 255 }), { y: 235, cb: 128, cr: 128 });
  t.same(waitingImageColour({ r: 0, g: 0, b: 0 }), PICTURE_COLOURS.black);
  t.same(waitingImageColour({ r: 255, g: 0, b: 0 }), { y: 81, cb: 90, cr: 240 });
  t.same(waitingImageColour({ r: 0, g: 0, b: 255 }), { y: 41, cb: 240, cr: 110 });
});

t.test('camera pictures survive the encoder and a real decoder, and are recognised', async (t) => {
  const sim = new Simulation({ seed: 1 });
  const devices = createFakeDevices({ scheduler: sim.scheduler, rng: sim.rng, trace: sim.trace });
  const encoder = devices.openVideoEncoder('software', {
    width: 320,
    height: 180,
    fps: 10,
    gopFrames: 30,
    targetBitrateKbps: 0,
  });
  const shown = [
    cameraColour('front'),
    cameraColour('front', 9, 9),
    cameraColour('back'),
    cameraColour('back', 5, 9),
    PICTURE_COLOURS.black,
  ];
  const nalus: Uint8Array[] = [];
  shown.forEach((colour, i) => {
    const frame = encoder.encode({ colour, frameIndex: i });
    if (i === 0) nalus.push(frame.sps, frame.pps);
    nalus.push(...frame.nalus);
  });
  const decoded = await decodeVideoFrames({ bytes: toAnnexB(nalus), format: 'h264' });
  t.same(decoded.messages, []);
  t.same(
    decoded.frames.map((f) =>
      identifyPictureColour(
        { y: Math.round(f.flatY), cb: Math.round(f.flatCb), cr: Math.round(f.flatCr) },
        1,
      ),
    ),
    [
      { source: 'front', beauty: 0, whiteness: 0 },
      { source: 'front', beauty: 9, whiteness: 9 },
      { source: 'back', beauty: 0, whiteness: 0 },
      { source: 'back', beauty: 5, whiteness: 9 },
      { source: 'black', beauty: 0, whiteness: 0 },
    ],
  );
});
