// Turns what a person types into a PostgreSQL tsquery for the 'simple' configuration, the one the
// generated "promptSearch" column uses. Every word matches as a prefix (so "ligh" finds
// "lighthouse"), "quoted words" match as a phrase, and a leading minus excludes a word.
// Words keep only letters and digits, so the result never contains tsquery syntax from the input;
// it is still sent as a bound parameter, never spliced into SQL.

const MAX_TERMS = 8;

/** A search as the history runs it: the tsquery over "promptSearch", and the words every match contains. */
export type SearchQuery = { tsquery: string; words: string[] };

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function parseSearch(input: string): SearchQuery | null {
  const positive: { term: string; words: string[] }[] = [];
  const negative: string[] = [];
  const pattern = /(-?)"([^"]*)"?|(-?)([^\s"]+)/g;
  for (const match of input.matchAll(pattern)) {
    const [, phraseMinus, phrase, wordMinus, word] = match;
    if (phrase !== undefined) {
      const parts = words(phrase);
      if (parts.length === 0) continue;
      const term = parts.length === 1 ? `${parts[0]}:*` : `(${parts.join(" <-> ")})`;
      if (phraseMinus) negative.push(term);
      else positive.push({ term, words: parts });
    } else if (word !== undefined) {
      // "sci-fi" is one word to a person; the 'simple' parser also indexes its parts.
      const parts = words(word);
      if (parts.length === 0) continue;
      const term = parts.length === 1 ? `${parts[0]}:*` : `(${parts.map((p) => `${p}:*`).join(" & ")})`;
      if (wordMinus) negative.push(term);
      else positive.push({ term, words: parts });
    }
  }
  // A query of only exclusions would match nearly everything through the index: ignore it.
  if (positive.length === 0) return null;
  const kept = positive.slice(0, MAX_TERMS);
  const terms = [...kept.map((p) => p.term), ...negative.slice(0, MAX_TERMS).map((t) => `!${t}`)];
  return { tsquery: terms.join(" & "), words: [...new Set(kept.flatMap((p) => p.words))] };
}

/**
 * The same search's words as a tsquery over one user's terms (the expression index of migration
 * 20261126120000_history_user_terms_index: each of the prompt's words as "<userId>:<word>"), every
 * word as a prefix. It finds a superset of the search's matches among this user's rows, reading
 * only this user's entries for those words. Null when the user id cannot be written into it.
 */
export function userTermsTsQuery(userId: string, words: string[]): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(userId) || words.length === 0) return null;
  return words.map((word) => `'${userId}:${word}':*`).join(" & ");
}
