import t from 'tap';
import { AacEncoder } from '../../harness/devices/encoders/aac/index.js';
import { H264Encoder } from '../../harness/devices/encoders/h264/index.js';
import { StreamObserver } from '../../harness/observer/stream-observer.js';
import { createSimPusherClock } from '../../harness/runner/sim-pusher-clock.js';
import { EmbeddedMediaServer } from '../../harness/server/embedded-media-server.js';
import { createSocketPair, Simulation } from '../../harness/sim/index.js';
import { decodeErrors, probeMedia } from '../../harness/validation/ffprobe.js';
import {
  aacRawFrameBody,
  aacSequenceHeaderBody,
  avcNaluPacketBody,
  avcSequenceHeaderBody,
} from '../../src/flv/index.js';
import { RtmpPublisher } from '../../src/rtmp/index.js';

interface PushPlan {
  seconds: number;
  width: number;
  height: number;
  fps: number;
  kbps: (second: number) => number;
  resizeAt?: { second: number; width: number; height: number };
}

/** Publisher → in-memory link → node-media-server → HTTP-FLV observer, all on virtual time. */
async function push(seed: number, stream: string, plan: PushPlan) {
  const sim = new Simulation({ seed });
  sim.installGlobals();
  const server = EmbeddedMediaServer.get();
  const unbind = server.bind({ trace: sim.trace, scheduler: sim.scheduler, policy: {} });
  try {
    const observer = await StreamObserver.attach({
      scheduler: sim.scheduler,
      trace: sim.trace,
      server,
      app: 'live',
      stream,
    });
    const pair = createSocketPair(sim.scheduler, { label: 'rtmp', direct: { delayUs: 10_000 } });
    server.acceptRtmp(pair.server);
    const clock = createSimPusherClock(sim.scheduler);
    const rng = sim.rng.fork('publisher');
    const publisher = new RtmpPublisher({
      socket: pair.client,
      url: `rtmp://media.lpc.test/live/${stream}`,
      clock,
      randomBytes: (n) => rng.bytes(n),
      metadata: {
        width: plan.width,
        height: plan.height,
        framerate: plan.fps,
        videocodecid: 7,
        audiocodecid: 10,
      },
    });
    let publishing = false;
    publisher.start().then(() => {
      publishing = true;
    });
    await sim.runFor(2_000_000);
    t.ok(publishing, 'publish accepted by node-media-server');

    let video = new H264Encoder({
      width: plan.width,
      height: plan.height,
      fps: plan.fps,
      gopFrames: plan.fps * 2,
      targetBitrateKbps: plan.kbps(0),
    });
    const audio = new AacEncoder({ sampleRate: 48000, channels: 2, targetBitrateKbps: 64 });
    const t0 = sim.now;
    const ts = () => Math.round((sim.now - t0) / 1000);
    let sentSeq = false;
    let frameIndex = 0;
    const camera = sim.scheduler.every(
      Math.round(1_000_000 / plan.fps),
      () => {
        const second = Math.floor(ts() / 1000);
        if (plan.resizeAt && second === plan.resizeAt.second && video.config.width !== plan.resizeAt.width) {
          video = new H264Encoder({
            ...video.config,
            width: plan.resizeAt.width,
            height: plan.resizeAt.height,
          });
          sentSeq = false;
        }
        if (video.config.targetBitrateKbps !== plan.kbps(second)) video.setTargetBitrate(plan.kbps(second));
        const frame = video.encode({ colour: { y: 120, cb: 90, cr: 160 }, frameIndex: frameIndex++ });
        if (!sentSeq) {
          publisher.sendVideo(ts(), avcSequenceHeaderBody(frame));
          sentSeq = true;
        }
        publisher.sendVideo(ts(), avcNaluPacketBody(frame));
      },
      'camera',
    );
    let audioSeq = false;
    const mic = sim.scheduler.every(
      Math.round((1024 * 1_000_000) / 48000),
      () => {
        if (!audioSeq) {
          publisher.sendAudio(ts(), aacSequenceHeaderBody(audio.audioSpecificConfig()));
          audioSeq = true;
        }
        publisher.sendAudio(ts(), aacRawFrameBody(audio.encodeFrame()));
      },
      'microphone',
    );
    const closed: string[] = [];
    publisher.on('closed', (c) => closed.push(`${c.reason} ${c.error?.message ?? ''}`));
    await sim.runFor(plan.seconds * 1_000_000);
    t.same(closed, [], 'the publisher stayed connected');
    camera.cancel();
    mic.cancel();
    publisher.close();
    await sim.runFor(1_000_000);
    const timeline = observer.close();
    return { sim, timeline, bytes: observer.bytes() };
  } finally {
    unbind();
    sim.dispose();
  }
}

t.test('60 s of 640x360 @ 800 kbit/s + AAC through node-media-server decodes cleanly', async (t) => {
  const { timeline, bytes, sim } = await push(1, 'media-path-60s', {
    seconds: 60,
    width: 640,
    height: 360,
    fps: 30,
    kbps: () => 800,
  });
  const videoTags = timeline.tags.filter((x) => x.type === 'video');
  const audioTags = timeline.tags.filter((x) => x.type === 'audio');
  t.equal(videoTags[0].avcPacketType, 0, 'first video tag is the sequence header');
  t.equal(videoTags[1].keyframe, true, 'then a keyframe');
  t.ok(Math.abs(videoTags.length - 1 - 60 * 30) <= 2, `~1800 video frames (${videoTags.length - 1})`);
  t.ok(
    Math.abs(audioTags.length - 1 - (60 * 48000) / 1024) <= 3,
    `~2812 audio frames (${audioTags.length - 1})`,
  );
  for (const kind of ['video', 'audio'] as const) {
    const tags = timeline.tags.filter((x) => x.type === kind);
    t.ok(
      tags.every((tag, i) => i === 0 || tag.timestampMs >= tags[i - 1].timestampMs),
      `${kind} timestamps monotonic`,
    );
  }
  const mediaBytes = videoTags.slice(1).reduce((a, x) => a + x.dataSize - 5, 0);
  const kbps = (mediaBytes * 8) / 60 / 1000;
  t.ok(Math.abs(kbps - 800) / 800 < 0.05, `video bitrate ${kbps.toFixed(1)} kbit/s within 5% of 800`);
  t.same(
    timeline.videoConfigs.map((c) => [c.width, c.height]),
    [[640, 360]],
  );
  t.equal(timeline.errors.length, 0, 'flv.js reports no error');
  t.ok(
    sim.trace.records.some((r) => r.kind === 'server.postPublish'),
    'postPublish hook recorded',
  );
  const probe = await probeMedia({ bytes, format: 'flv' });
  t.equal(probe.video?.codecName, 'h264');
  t.equal(probe.video?.width, 640);
  t.equal(probe.video?.height, 360);
  t.equal(probe.audio?.codecName, 'aac');
  t.equal(probe.audio?.sampleRate, 48000);
  t.equal(probe.video?.frameCount, videoTags.length - 1, 'ffprobe counts every frame');
  t.same(await decodeErrors({ bytes, format: 'flv' }), [], 'ffmpeg decodes with zero errors');
});

t.test('bitrate changes every 5 s and a resolution change mid-stream decode cleanly', async (t) => {
  const rates = [800, 300, 1500, 500];
  const { timeline, bytes } = await push(2, 'media-path-steps', {
    seconds: 20,
    width: 640,
    height: 360,
    fps: 25,
    kbps: (s) => rates[Math.floor(s / 5) % rates.length],
    resizeAt: { second: 10, width: 1280, height: 720 },
  });
  t.same(
    timeline.videoConfigs.map((c) => [c.width, c.height]),
    [
      [640, 360],
      [1280, 720],
    ],
  );
  t.same(await decodeErrors({ bytes, format: 'flv' }), [], 'ffmpeg decodes with zero errors');
  const videoTags = timeline.tags.filter((x) => x.type === 'video' && x.avcPacketType === 1);
  const perWindow = rates.map(
    (_, w) =>
      (videoTags
        .filter((x) => x.timestampMs >= w * 5000 + 1000 && x.timestampMs < (w + 1) * 5000)
        .reduce((a, x) => a + x.dataSize - 5, 0) *
        8) /
      4000,
  );
  for (const [w, r] of rates.entries()) {
    t.ok(Math.abs(perWindow[w] - r) / r < 0.06, `window ${w}: ${perWindow[w].toFixed(0)} kbit/s vs ${r}`);
  }
});
