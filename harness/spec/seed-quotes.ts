import type { Requirement } from './types.js';

/** A verbatim seed field starts with a quote; a derived one with this prefix (docs/spec.md "How to read"). */
export const DERIVED_PREFIX = 'derived:';

/** Whether a requirement's seed field is a derivation rather than verbatim quotes. */
export function isDerived(requirement: Pick<Requirement, 'seed'>): boolean {
  return requirement.seed.startsWith(DERIVED_PREFIX);
}

/**
 * The quotes of a seed field: every segment between straight double quotes, with `\"` read as `"` and `\\`
 * as `\`. Text between quotes is ignored. Throws an Error naming the offset when a quote is left open or is
 * empty (the parser turns it into a SpecIssue with the line).
 */
export function extractSeedQuotes(seed: string): string[] {
  const quotes: string[] = [];
  let current: string | undefined;
  let openedAt = 0;
  for (let i = 0; i < seed.length; i++) {
    const c = seed[i];
    if (current === undefined) {
      if (c === '"') {
        current = '';
        openedAt = i;
      }
      continue;
    }
    if (c === '\\' && (seed[i + 1] === '"' || seed[i + 1] === '\\')) {
      current += seed[i + 1];
      i++;
    } else if (c === '"') {
      if (current.trim() === '') throw new Error(`empty quote at character ${openedAt + 1}`);
      quotes.push(current);
      current = undefined;
    } else {
      current += c;
    }
  }
  if (current !== undefined) throw new Error(`quote opened at character ${openedAt + 1} is not closed`);
  return quotes;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|nbsp);/g, (_, name: string) => ENTITIES[name]);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The seed document as quotes are matched against it: outside fenced code, blockquote markers and HTML tags
 * are removed (inside, the sample's `<live-pusher ...>` markup is text); then entities are decoded
 * (`&lt;live-pusher&gt;` → `<live-pusher>`), markdown emphasis (`**`) dropped and white space collapsed.
 */
export function normaliseSeedDocument(markdown: string): string {
  const parts = markdown.split(/^([ \t]*(?:```|~~~).*)$/m);
  let inFence = false;
  let out = '';
  for (const part of parts) {
    if (/^[ \t]*(```|~~~)/.test(part)) {
      inFence = !inFence;
      out += ' ';
      continue;
    }
    out += inFence ? part : part.replace(/^[ \t]*>[ \t]?/gm, '').replace(/<\/?[A-Za-z][^<>]*>/g, ' ');
  }
  return collapse(decodeEntities(out).replace(/\*\*/g, ''));
}

/** A quote as matched: entities decoded, emphasis dropped, white space collapsed (tags are kept: they are text). */
export function normaliseQuote(quote: string): string {
  return collapse(decodeEntities(quote).replace(/\*\*/g, ''));
}

export interface MissingSeedQuote {
  id: string;
  line: number;
  quote: string;
}

/**
 * The verbatim quotes of `requirements` that do not occur in the seed document (after normalisation on both
 * sides). Derived requirements are not checked: they may quote other specifications.
 */
export function findMissingSeedQuotes(
  requirements: readonly Requirement[],
  seedMarkdown: string,
): MissingSeedQuote[] {
  const seed = normaliseSeedDocument(seedMarkdown);
  const missing: MissingSeedQuote[] = [];
  for (const r of requirements) {
    if (isDerived(r)) continue;
    for (const quote of extractSeedQuotes(r.seed)) {
      if (!seed.includes(normaliseQuote(quote))) missing.push({ id: r.id, line: r.line, quote });
    }
  }
  return missing;
}
