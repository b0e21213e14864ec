// Turns what a person types into a PostgreSQL tsquery for the 'simple' configuration, the one the
// generated "promptSearch" column uses. Every word matches as a prefix (so "ligh" finds
// "lighthouse"), "quoted words" match as a phrase, and a leading minus excludes a word.
// Words keep only letters and digits, so the result never contains tsquery syntax from the input;
// it is still sent as a bound parameter, never spliced into SQL.

const MAX_TERMS = 8;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function toPrefixTsQuery(input: string): string | null {
  const positive: string[] = [];
  const negative: string[] = [];
  const pattern = /(-?)"([^"]*)"?|(-?)([^\s"]+)/g;
  for (const match of input.matchAll(pattern)) {
    const [, phraseMinus, phrase, wordMinus, word] = match;
    if (phrase !== undefined) {
      const parts = words(phrase);
      if (parts.length === 0) continue;
      const term = parts.length === 1 ? `${parts[0]}:*` : `(${parts.join(" <-> ")})`;
      (phraseMinus ? negative : positive).push(term);
    } else if (word !== undefined) {
      // "sci-fi" is one word to a person; the 'simple' parser also indexes its parts.
      const parts = words(word);
      if (parts.length === 0) continue;
      const term = parts.length === 1 ? `${parts[0]}:*` : `(${parts.map((p) => `${p}:*`).join(" & ")})`;
      (wordMinus ? negative : positive).push(term);
    }
  }
  // A query of only exclusions would match nearly everything through the index: ignore it.
  if (positive.length === 0) return null;
  const terms = [...positive.slice(0, MAX_TERMS), ...negative.slice(0, MAX_TERMS).map((t) => `!${t}`)];
  return terms.join(" & ");
}
