-- Rate-limit counters (lib/rate-limit/limiter.ts): one row per limit and subject, one fixed window each.
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "resetAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- Pruning ended windows.
CREATE INDEX "RateLimit_resetAt_idx" ON "RateLimit"("resetAt");
