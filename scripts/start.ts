/**
 * `npm start`: the main job. The full scripted suite against the reference pusher, in simulation, with
 * the embedded node-media-server; reports in reports/out/ (report.json, summary.md).
 */
import { main } from '../harness/cli/lpc.js';

process.exitCode = await main([
  'run',
  '--pusher',
  'reference',
  '--out',
  'reports/out',
  ...process.argv.slice(2),
]);
