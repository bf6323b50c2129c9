/**
 * The vocabulary of the conformance spec (docs/spec.md): requirement levels, areas and the parsed
 * requirement. Type-only, so oracles and reports can reference requirements without importing the parser.
 */

/** The spec's keywords. MUST → FAIL when missed, SHOULD → NON-STRICT, INFORMATIONAL only reports. */
export type RequirementLevel = 'MUST' | 'SHOULD' | 'INFORMATIONAL';

/** The areas of docs/spec.md, the first segment of every requirement ID. */
export type SpecArea =
  | 'attributes'
  | 'operations'
  | 'events'
  | 'reconnect'
  | 'bitrate'
  | 'background'
  | 'waiting-image'
  | 'devices'
  | 'wire'
  | 'stream';

/** One requirement of docs/spec.md, as written there (field texts with continuation lines joined). */
export interface Requirement {
  /** Stable h2spec-style address `<area>/<topic>/<n>`, e.g. `events/reconnect/3`. */
  id: string;
  /** First segment of the ID. */
  area: SpecArea;
  /** Second segment of the ID (for `attributes/*`, the seed's attribute name). */
  topic: string;
  level: RequirementLevel;
  /** The heading's text after the level. */
  title: string;
  /**
   * Where it comes from: one or more verbatim quotes of the seed between straight double quotes (`\"` inside
   * a quote is a literal `"`), or text starting with `derived:`.
   */
  seed: string;
  /** What an oracle computes from a recorded trace, with numbers, tolerances and deadlines. */
  criterion: string;
  /** The reason for the interpretation. */
  why: string;
  /** How the oracle reads what the seed leaves open (optional `- **Interpretation:**`). */
  interpretation?: string;
  /** 1-based line of the heading in the spec document. */
  line: number;
}

/** One problem found while parsing the spec: where, and what was expected. */
export interface SpecIssue {
  /** 1-based line in the spec document. */
  line: number;
  message: string;
}
