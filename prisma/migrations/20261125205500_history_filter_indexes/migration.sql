-- History filters (lib/history/queries.ts). Pages are keyset-paginated newest first; a filter that
-- matches few of a user's rows (e.g. "running", or favourites among 100,000 generations) would
-- otherwise walk every row of that user to fill a page. With the filter column between "userId" and
-- the sort key, each page is one index range seek whatever the filter's selectivity.

-- CreateIndex
CREATE INDEX "Generation_userId_status_createdAt_id_idx" ON "Generation"("userId", "status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Generation_userId_favorite_createdAt_id_idx" ON "Generation"("userId", "favorite", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Generation_userId_aspect_createdAt_id_idx" ON "Generation"("userId", "aspect", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Generation_userId_model_createdAt_id_idx" ON "Generation"("userId", "model", "createdAt" DESC, "id" DESC);

-- Prefix searches ("tag1:*") are estimated from the most common lexemes ANALYZE keeps; with the
-- default 1,000 the planner underestimates common prefixes and picks a slow bitmap scan.
ALTER TABLE "Generation" ALTER COLUMN "promptSearch" SET STATISTICS 1000;
