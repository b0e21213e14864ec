-- History search: one GIN index over ("userId", "promptSearch"), so a search for a word that other
-- users use a lot but this user rarely (or never) does reads only the intersection of this user's
-- entries and the word's, instead of walking all of this user's rows. btree_gin (a contrib module,
-- shipped with PostgreSQL and with the embedded server) gives GIN the text operator class for "userId".
-- The extension goes to "public" as Prisma writes it, whatever the migration's search_path.
CREATE EXTENSION IF NOT EXISTS "btree_gin" WITH SCHEMA "public";

CREATE INDEX "Generation_userId_promptSearch_idx" ON "Generation" USING GIN ("userId", "promptSearch");

-- Every search is one user's: the per-user index replaces the index over everyone's prompts.
DROP INDEX "Generation_promptSearch_idx";
