import os from 'node:os';
import { AacEncoder } from '../harness/devices/encoders/aac/index.js';
import { H264Encoder } from '../harness/devices/encoders/h264/index.js';
import { StreamObserver } from '../harness/observer/stream-observer.js';
import { createSimPusherClock } from '../harness/runner/sim-pusher-clock.js';
import { EmbeddedMediaServer } from '../harness/server/embedded-media-server.js';
import { createSocketPair, Simulation } from '../harness/sim/index.js';
import { ByteSlab } from '../src/bytes/byte-slab.js';
import {
  aacRawFrameBody,
  aacSequenceHeaderBody,
  avcNaluPacketBody,
  avcSequenceHeaderBody,
} from '../src/flv/index.js';
import { RtmpPublisher } from '../src/rtmp/index.js';
import { report, wallMs } from './report.js';

/** Issue 4's number: a 10-minute 1 Mbit/s push through publisher → link → NMS → HTTP-FLV → flv.js. */
const seconds = 600;
const server = EmbeddedMediaServer.get(); // startup cost is per process, not per case: outside the timing
// MACRO_US and ROUNDS override the simulation's settle defaults (docs/simulation.md), to measure their cost.
const sim = new Simulation({
  seed: 1,
  settle: {
    macrotaskEveryUs: process.env.MACRO_US ? Number(process.env.MACRO_US) : undefined,
    microtaskRounds: process.env.ROUNDS ? Number(process.env.ROUNDS) : undefined,
  },
});
sim.installGlobals();
server.bind({ trace: sim.trace, scheduler: sim.scheduler, policy: {} });
const observer = await StreamObserver.attach({
  scheduler: sim.scheduler,
  trace: sim.trace,
  server,
  app: 'live',
  stream: 'bench',
});
const pair = createSocketPair(sim.scheduler, { label: 'rtmp', direct: { delayUs: 20_000 } });
server.acceptRtmp(pair.server);
const rng = sim.rng.fork('publisher');
const publisher = new RtmpPublisher({
  socket: pair.client,
  url: 'rtmp://media.lpc.test/live/bench',
  clock: createSimPusherClock(sim.scheduler),
  randomBytes: (n) => rng.bytes(n),
});
void publisher.start();
await sim.runFor(1_000_000);
const video = new H264Encoder({ width: 640, height: 360, fps: 25, gopFrames: 50, targetBitrateKbps: 1000 });
const audio = new AacEncoder({ sampleRate: 48000, channels: 2, targetBitrateKbps: 64 });
const t0 = sim.now;
const ts = () => Math.round((sim.now - t0) / 1000);
let frameIndex = 0;
const videoBodies = new ByteSlab(); // as the reference pusher builds its video bodies
let peakRss = 0;
sim.scheduler.every(40_000, () => {
  const frame = video.encode({ colour: { y: 100, cb: 110, cr: 140 }, frameIndex: frameIndex++ });
  if (frameIndex === 1) publisher.sendVideo(ts(), avcSequenceHeaderBody(frame));
  publisher.sendVideo(ts(), avcNaluPacketBody(frame, 0, videoBodies));
});
let audioFrames = 0;
sim.scheduler.every(Math.round((1024 * 1_000_000) / 48000), () => {
  if (audioFrames++ === 0) publisher.sendAudio(ts(), aacSequenceHeaderBody(audio.audioSpecificConfig()));
  publisher.sendAudio(ts(), aacRawFrameBody(audio.encodeFrame()));
});
sim.scheduler.every(10_000_000, () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
});
const start = wallMs();
const cpuStart = process.cpuUsage();
await sim.runFor(seconds * 1_000_000);
const ms = wallMs() - start;
const cpu = process.cpuUsage(cpuStart);
const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
const timeline = observer.close();
sim.dispose();
const factor = Math.round((seconds * 1000) / ms);
const peakMb = Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1024 / 1024);
report({
  name: 'media path: 10 min at 1 Mbit/s through NMS and HTTP-FLV + flv.js (speed factor)',
  value: factor,
  unit: 'x real time',
  target: '>= 300x (aim 1000x)',
  pass: factor >= 300,
  detail: {
    wallMs: Math.round(ms),
    cpuMs,
    loadAverage: os.loadavg()[0].toFixed(2),
    tags: timeline.tags.length,
    bytes: timeline.bytes,
    yields: sim.yields,
  },
});
report({
  name: 'media path: peak memory (RSS)',
  value: peakMb,
  unit: 'MB',
  target: '< 300 MB',
  pass: peakMb < 300,
});
