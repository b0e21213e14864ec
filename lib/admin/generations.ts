import "server-only";
import { db } from "@/lib/db";
import { decodeCursor, encodeCursor, olderThan } from "@/lib/pagination/cursor";

// Failed generations across all accounts, for the admin area: what the provider answered (the
// classified error, the provider's own error text and its request id) and how long each stage took.

export type FailedGeneration = {
  id: string;
  userId: string;
  userEmail: string | null;
  model: string;
  source: "DEMO" | "API";
  errorCode: string | null;
  errorMessage: string | null;
  providerRequestId: string | null;
  providerError: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  upstreamMs: number | null;
};

export const FAILED_PAGE_SIZE = 50;

/** Failed generations newest first, optionally of one error code and/or one model. */
export async function listFailedGenerations({
  code,
  model,
  before,
  limit = FAILED_PAGE_SIZE,
}: {
  code?: string;
  model?: string;
  before?: string;
  limit?: number;
}): Promise<{ rows: FailedGeneration[]; older: string | null }> {
  const cursor = decodeCursor(before);
  const found = await db().generation.findMany({
    where: {
      status: "FAILED",
      ...(code ? { errorCode: code } : {}),
      ...(model ? { model } : {}),
      ...(cursor ? olderThan(cursor) : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      userId: true,
      model: true,
      source: true,
      errorCode: true,
      errorMessage: true,
      providerRequestId: true,
      providerError: true,
      attempts: true,
      createdAt: true,
      startedAt: true,
      completedAt: true,
      upstreamMs: true,
      user: { select: { email: true } },
    },
  });
  const page = found.slice(0, limit).map(({ user, ...g }) => ({ ...g, userEmail: user.email }));
  const last = page.at(-1);
  return { rows: page, older: found.length > limit && last ? encodeCursor(last) : null };
}

/** The error codes and models failed generations have, for the filter's choices. */
export async function failureFilterChoices(): Promise<{ codes: string[]; models: string[] }> {
  const [codes, models] = await Promise.all([
    db().generation.findMany({
      where: { status: "FAILED", errorCode: { not: null } },
      distinct: ["errorCode"],
      select: { errorCode: true },
      orderBy: { errorCode: "asc" },
    }),
    db().generation.findMany({
      where: { status: "FAILED" },
      distinct: ["model"],
      select: { model: true },
      orderBy: { model: "asc" },
    }),
  ]);
  return {
    codes: codes.map((c) => c.errorCode).filter((c): c is string => c !== null),
    models: models.map((m) => m.model),
  };
}
