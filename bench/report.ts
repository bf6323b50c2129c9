/** What one benchmark measured, printed by a bench file as a `BENCH <json>` line for bench/index.ts. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The target, as text (e.g. ">= 2,000,000 events/s"). */
  target: string;
  pass: boolean;
  detail?: Record<string, number | string>;
}

export function report(result: BenchResult): void {
  process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);
}

/** Wall-clock milliseconds: benchmarks measure real time, which simulations never do. */
export function wallMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
