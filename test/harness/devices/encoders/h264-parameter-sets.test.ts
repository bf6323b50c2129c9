import t from 'tap';
import { removeEmulationPrevention } from '../../../../harness/devices/encoders/bit-writer.js';
import { H264Encoder } from '../../../../harness/devices/encoders/h264/index.js';
import { BitReader } from './bit-reader.js';

/** Parses the fields our SPS writes (H.264 §7.3.2.1.1, VUI §E.1.1) for profile 66. */
function parseSps(nal: Uint8Array) {
  const r = new BitReader(removeEmulationPrevention(nal.subarray(1)));
  const sps = {
    nalHeader: nal[0],
    profileIdc: r.readBits(8),
    constraintFlags: r.readBits(8),
    levelIdc: r.readBits(8),
    spsId: r.readUe(),
    log2MaxFrameNum: r.readUe() + 4,
    pocType: r.readUe(),
    maxNumRefFrames: r.readUe(),
    gaps: r.readBit(),
    widthMbs: r.readUe() + 1,
    heightMbs: r.readUe() + 1,
    frameMbsOnly: r.readBit(),
    direct8x8: r.readBit(),
    crop: [0, 0, 0, 0],
    numUnitsInTick: 0,
    timeScale: 0,
    fixedFrameRate: 0,
    maxNumReorderFrames: -1,
  };
  if (r.readBit()) sps.crop = [r.readUe(), r.readUe(), r.readUe(), r.readUe()];
  if (r.readBit()) {
    if (r.readBits(4) !== 0) throw new Error('unexpected VUI flags before timing info');
    if (r.readBit() !== 1) throw new Error('timing_info_present_flag is 0');
    sps.numUnitsInTick = r.readBits(32);
    sps.timeScale = r.readBits(32);
    sps.fixedFrameRate = r.readBit();
    r.readBits(3); // hrd flags, pic_struct_present_flag
    if (r.readBit()) {
      r.readBit();
      r.readUe();
      r.readUe();
      r.readUe();
      r.readUe();
      sps.maxNumReorderFrames = r.readUe();
      r.readUe();
    }
  }
  if (r.readBit() !== 1) throw new Error('missing rbsp_stop_one_bit');
  return sps;
}

const base = { fps: 30, gopFrames: 60, targetBitrateKbps: 800 };

t.test('SPS is Constrained Baseline with POC type 2, one reference frame and VUI timing', async (t) => {
  const sps = parseSps(new H264Encoder({ ...base, width: 640, height: 360 }).sps());
  t.equal(sps.nalHeader, 0x67);
  t.equal(sps.profileIdc, 66);
  t.equal(sps.constraintFlags, 0xc0, 'constraint_set0 and constraint_set1');
  t.equal(sps.pocType, 2);
  t.equal(sps.maxNumRefFrames, 1);
  t.equal(sps.frameMbsOnly, 1);
  t.equal(sps.widthMbs, 40);
  t.equal(sps.heightMbs, 23);
  t.same(sps.crop, [0, 0, 0, 4], '368 coded rows cropped by 4 units of 2 rows');
  t.equal(sps.timeScale / (2 * sps.numUnitsInTick), 30, 'fps = time_scale / (2 × num_units_in_tick)');
  t.equal(sps.fixedFrameRate, 1);
  t.equal(sps.maxNumReorderFrames, 0);
});

t.test('level follows frame size and rate (Table A-1)', async (t) => {
  const level = (width: number, height: number, fps: number) =>
    parseSps(new H264Encoder({ ...base, width, height, fps }).sps()).levelIdc;
  t.equal(level(320, 240, 15), 12);
  t.equal(level(640, 360, 30), 30);
  t.equal(level(1280, 720, 30), 31);
  t.equal(level(1920, 1080, 30), 40);
  t.equal(level(1920, 1080, 60), 42);
  t.equal(level(480, 640, 30), 30);
  t.equal(level(4096, 2160, 30), 52);
  t.equal(level(4096, 2160, 25), 51);
});

t.test('fractional frame rates keep their exact value in the VUI', async (t) => {
  const sps = parseSps(new H264Encoder({ ...base, width: 640, height: 360, fps: 30000 / 1001 }).sps());
  t.same([sps.numUnitsInTick, sps.timeScale], [1001, 60000]);
  const odd = parseSps(new H264Encoder({ ...base, width: 640, height: 360, fps: 12.5 }).sps());
  t.equal(odd.timeScale / (2 * odd.numUnitsInTick), 12.5);
});

t.test('cropping is signalled only for sizes that are not multiples of 16', async (t) => {
  t.same(parseSps(new H264Encoder({ ...base, width: 1280, height: 720 }).sps()).crop, [0, 0, 0, 0]);
  t.same(parseSps(new H264Encoder({ ...base, width: 1920, height: 1080 }).sps()).crop, [0, 0, 0, 4]);
  t.same(parseSps(new H264Encoder({ ...base, width: 362, height: 640 }).sps()).crop, [0, 3, 0, 0]);
});

t.test('PPS selects CAVLC and allows slices to control deblocking', async (t) => {
  const pps = new H264Encoder({ ...base, width: 640, height: 360 }).pps();
  t.equal(pps[0], 0x68);
  const r = new BitReader(pps.subarray(1));
  t.same(
    [r.readUe(), r.readUe(), r.readBit(), r.readBit(), r.readUe(), r.readUe(), r.readUe()],
    [0, 0, 0, 0, 0, 0, 0],
  );
  t.same([r.readBit(), r.readBits(2), r.readSe(), r.readSe(), r.readSe()], [0, 0, 0, 0, 0]);
  t.equal(r.readBit(), 1, 'deblocking_filter_control_present_flag');
});

t.test('bad configuration throws an error naming field, value and expectation', async (t) => {
  const ok = { width: 640, height: 360, ...base };
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ width: 640.5 }, /width is 640\.5, expected an integer in 32\.\.4096/],
    [{ width: -640 }, /width is -640, expected/],
    [{ width: 4112 }, /width is 4112, expected an integer in 32\.\.4096/],
    [{ height: 361 }, /height is 361, expected an even number/],
    [{ width: 641 }, /width is 641, expected an even number/],
    [{ fps: 0 }, /fps is 0, expected a finite number with 0 < fps <= 240/],
    [{ fps: Number.NaN }, /fps is NaN/],
    [{ gopFrames: 0 }, /gopFrames is 0, expected an integer >= 1/],
    [{ targetBitrateKbps: -1 }, /targetBitrateKbps is -1, expected a finite number >= 0/],
  ];
  for (const [patch, message] of cases) {
    t.throws(
      () => new H264Encoder({ ...ok, ...patch } as never),
      message,
      `rejects ${JSON.stringify(patch)}`,
    );
  }
  const encoder = new H264Encoder(ok);
  t.throws(() => encoder.setTargetBitrate(Number.POSITIVE_INFINITY), /targetBitrateKbps is Infinity/);
  t.throws(() => encoder.encode({ colour: { y: 256, cb: 0, cr: 0 }, frameIndex: 0 }), /colour\.y is 256/);
  t.throws(() => encoder.encode({ colour: { y: 16, cb: 0, cr: 0 }, frameIndex: -1 }), /frameIndex is -1/);
});
