-- History search, words rare for this user: one GIN entry per (user, word). The prompt's words
-- (the same 'simple' lexemes as "promptSearch") are indexed as '<userId>:<word>', so a search reads
-- only this user's entries for its words, never the word's entries of every user. The GIN index
-- over ("userId", "promptSearch") it replaces ANDed two posting lists: this user's every row and
-- the word's every row, 35-50 ms when a word is common among others (450,000 rows in the benchmark).
-- Everything is schema-qualified: an index expression must mean the same under any search_path.
CREATE FUNCTION "generation_user_terms"("userId" text, "prompt" text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT pg_catalog.array_to_tsvector(ARRAY(
      SELECT $1 OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) t.lexeme
      FROM pg_catalog.unnest(pg_catalog.to_tsvector('pg_catalog.simple'::pg_catalog.regconfig, $2)) t))
  $$;

CREATE INDEX "Generation_userTerms_idx" ON "Generation" USING GIN ("generation_user_terms"("userId", "prompt"));

DROP INDEX "Generation_userId_promptSearch_idx";
