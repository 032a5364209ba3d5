/**
 * Words out of free text, for both the full-text queries and the matcher's score. A word is a run of
 * letters and digits (any script), lowercased after NFKC, so whatever a user types, quotes,
 * operators (AND, NEAR(, *, -, :) and all, only plain words reach FTS5's MATCH or PostgreSQL's
 * to_tsquery: neither can be handed a syntax error, and no word is an operator once quoted.
 */
const WORD = /[\p{L}\p{N}]+/gu;

/** A search looks for at most this many words; a longer query adds nothing but cost. */
export const MAX_QUERY_WORDS = 32;
/** Longer "words" are not words (a pasted hash, a run of one letter): they are cut to this length. */
const MAX_WORD_LENGTH = 64;

/** Words that say nothing about what a picture shows, left out of the matcher's score. */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'its', 'of', 'on', 'or',
  'over', 'the', 'this', 'that', 'to', 'under', 'with', 'without', 'image', 'photo', 'picture',
]);

/** The distinct words of a text, in order of first appearance. */
export function wordsOf(text: string): string[] {
  const words = new Set<string>();
  for (const [word] of text.normalize('NFKC').toLowerCase().matchAll(WORD)) words.add(word.slice(0, MAX_WORD_LENGTH));
  return [...words];
}

/** The words of a search query, at most MAX_QUERY_WORDS. */
export const queryWords = (q: string): string[] => wordsOf(q).slice(0, MAX_QUERY_WORDS);

/** The words that carry meaning: stop words left out. */
export const significantWords = (text: string): string[] => wordsOf(text).filter((w) => !STOP_WORDS.has(w));

/** An FTS5 MATCH expression for any of the words, each a quoted string (no operator can remain). */
export const fts5Expression = (words: string[]): string => words.map((w) => `"${w}"`).join(' OR ');

/** A to_tsquery expression for any of the words; words hold only letters and digits, none of tsquery's operators. */
export const tsQueryExpression = (words: string[]): string => words.join(' | ');

/**
 * How well an asset answers a prompt: the share of the prompt's distinct significant words found
 * among the asset's title, tags and prompt words, from 0 to 1. A prompt with no significant word
 * matches nothing.
 */
export function matchScore(promptWords: string[], asset: { title: string; tags: string[]; prompt: string | null }): number {
  if (!promptWords.length) return 0;
  const assetWords = new Set(wordsOf([asset.title, ...asset.tags, asset.prompt ?? ''].join(' ')));
  return promptWords.filter((w) => assetWords.has(w)).length / promptWords.length;
}
