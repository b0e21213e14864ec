import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { type ShareExpiry, shareTokenSchema } from "@/lib/history/schemas";

// Share links: a token of 32 random bytes goes into the link and is shown once; only its SHA-256
// is stored, so the database alone cannot produce a working link. Every view, image included,
// looks the token up again, so a revoked or expired link stops working on the next request.

const DAY_MS = 86_400_000;
const EXPIRY_DAYS: Record<ShareExpiry, number | null> = { never: null, "1d": 1, "7d": 7, "30d": 30 };
/** Live links one generation may have at once (a runaway client cannot fill the table). */
export const MAX_LIVE_LINKS = 20;

export function hashShareToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export type ShareLinkSummary = { id: string; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null };

export type CreateShareResult =
  | { ok: true; token: string; link: ShareLinkSummary }
  | { ok: false; code: "not_found" | "not_shareable" | "too_many_links" };

export async function createShareLink({
  userId,
  generationId,
  expiresIn,
  now = new Date(),
}: {
  userId: string;
  generationId: string;
  expiresIn: ShareExpiry;
  now?: Date;
}): Promise<CreateShareResult> {
  const generation = await db().generation.findFirst({
    where: { id: generationId, userId },
    select: { status: true, _count: { select: { images: true } } },
  });
  if (!generation) return { ok: false, code: "not_found" };
  if (generation.status !== "COMPLETED" || generation._count.images === 0) return { ok: false, code: "not_shareable" };
  const live = await db().shareLink.count({ where: liveLinkWhere({ userId, generationId, now }) });
  if (live >= MAX_LIVE_LINKS) return { ok: false, code: "too_many_links" };

  const token = randomBytes(32).toString("base64url");
  const days = EXPIRY_DAYS[expiresIn];
  const link = await db().shareLink.create({
    data: {
      tokenHash: hashShareToken(token),
      generationId,
      userId,
      expiresAt: days === null ? null : new Date(now.getTime() + days * DAY_MS),
    },
    select: { id: true, createdAt: true, expiresAt: true, revokedAt: true },
  });
  return { ok: true, token, link };
}

function liveLinkWhere({ userId, generationId, now }: { userId: string; generationId: string; now: Date }) {
  return {
    userId,
    generationId,
    revokedAt: null,
    OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
  };
}

/** This user's links for one generation, newest first (revoked and expired ones included). */
export async function listShareLinks({
  userId,
  generationId,
}: {
  userId: string;
  generationId: string;
}): Promise<ShareLinkSummary[]> {
  return db().shareLink.findMany({
    where: { userId, generationId },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true, expiresAt: true, revokedAt: true },
    take: 50,
  });
}

/** Revokes one of this user's links; false when there is no such live link of theirs. */
export async function revokeShareLink({
  userId,
  id,
  now = new Date(),
}: {
  userId: string;
  id: string;
  now?: Date;
}): Promise<boolean> {
  const { count } = await db().shareLink.updateMany({
    where: { id, userId, revokedAt: null },
    data: { revokedAt: now },
  });
  return count === 1;
}

export type SharedGeneration = {
  id: string;
  prompt: string;
  model: string;
  source: "DEMO" | "API";
  width: number;
  height: number;
  createdAt: Date;
  images: {
    index: number;
    width: number;
    height: number;
    placeholder: string | null;
    contentType: string;
    storageKey: string;
    thumbKey: string | null;
  }[];
};

/** What a share token opens, or null when it is malformed, unknown, revoked or expired. */
export async function resolveShareToken({
  token,
  now = new Date(),
}: {
  token: string;
  now?: Date;
}): Promise<SharedGeneration | null> {
  if (!shareTokenSchema.safeParse(token).success) return null;
  const link = await db().shareLink.findUnique({
    where: { tokenHash: hashShareToken(token) },
    select: {
      revokedAt: true,
      expiresAt: true,
      generation: {
        select: {
          id: true,
          prompt: true,
          model: true,
          source: true,
          width: true,
          height: true,
          status: true,
          createdAt: true,
          images: {
            orderBy: { index: "asc" },
            select: {
              index: true,
              width: true,
              height: true,
              placeholder: true,
              contentType: true,
              storageKey: true,
              thumbKey: true,
            },
          },
        },
      },
    },
  });
  if (!link || link.revokedAt || (link.expiresAt && link.expiresAt <= now)) return null;
  const { status, ...generation } = link.generation;
  if (status !== "COMPLETED") return null;
  return generation;
}
