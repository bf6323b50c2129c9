/**
 * The conformance spec as data (docs/spec.md is the single source of truth): requirements with stable IDs,
 * levels, seed quotes, criteria and reasons.
 */
export {
  DEFAULT_SPEC_PATH,
  loadSpec,
  parseSpec,
  REQUIREMENT_ID_PATTERN,
  REQUIREMENT_LEVELS,
  SPEC_AREAS,
} from './requirements.js';
export {
  DERIVED_PREFIX,
  extractSeedQuotes,
  findMissingSeedQuotes,
  isDerived,
  type MissingSeedQuote,
  normaliseQuote,
  normaliseSeedDocument,
} from './seed-quotes.js';
export { SpecError, type SpecErrorCode } from './spec-error.js';
export type { Requirement, RequirementLevel, SpecArea, SpecIssue } from './types.js';
