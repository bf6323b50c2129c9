/**
 * Deadlines of docs/spec.md "Conventions", in ms, shared by every oracle.
 * E: the default deadline for an event after its cause.
 */
export const EVENT_DEADLINE_MS = 1000;
/** "within 2 s": devices opening, a reshape, media arriving again. */
export const MEDIA_DEADLINE_MS = 2000;
