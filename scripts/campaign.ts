/**
 * Property-based fault campaigns (docs/campaigns.md); the same command as `lpc campaign`:
 *   node --import tsx scripts/campaign.ts --runs 500 --seed 1 [--pusher module.ts] [--workers 2]
 *   node --import tsx scripts/campaign.ts --replay --seed S --path P [--case ID] [--pusher module.ts]
 *   node --import tsx scripts/campaign.ts --merge a.json b.json --out merged.json
 * Campaigns print their replay commands as `lpc replay --seed S --path P --case ID ...`; `--replay` here
 * takes the same options and prints the same.
 */
import { campaignMain } from '../harness/campaign/index.js';

process.exitCode = await campaignMain(process.argv.slice(2));
