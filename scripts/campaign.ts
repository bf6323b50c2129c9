/**
 * Property-based fault campaigns (docs/campaigns.md), until `lpc campaign` mounts the same command:
 *   node --import tsx scripts/campaign.ts --runs 500 --seed 1 [--pusher module.ts] [--workers 2]
 *   node --import tsx scripts/campaign.ts --replay --seed S --path P [--pusher module.ts]
 *   node --import tsx scripts/campaign.ts --merge a.json b.json --out merged.json
 */
import { campaignMain } from '../harness/campaign/index.js';

process.exitCode = await campaignMain(process.argv.slice(2));
