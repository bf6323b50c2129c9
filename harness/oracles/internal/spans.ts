/** Time spans of a trace (ms; `to` exclusive, Infinity when open) and the two questions asked of them. */
export interface Span {
  from: number;
  to: number;
}

export function spanAt<T extends Span>(spans: readonly T[], t: number): T | undefined {
  return spans.find((s) => s.from <= t && t < s.to);
}

export function overlaps(spans: readonly Span[], from: number, to: number): boolean {
  return spans.some((s) => s.from < to && from < s.to);
}
