#!/usr/bin/env node
// Registers the TypeScript loader, then runs the CLI (no build step: see docs/decisions.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/lpc.ts');
process.exitCode = await main(process.argv.slice(2));
