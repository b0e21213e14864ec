import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import type { GenerationStatus, ImageSource } from "@/lib/generated/prisma/enums";
import { type GenerationSettings, repeatSettings } from "@/lib/generations/settings";
import { type GenerationView, toGenerationView, type ViewRow } from "@/lib/generations/view";

// Reads for the studio page and its status route. Ownership is part of every query.

export async function recentGenerations({ userId, limit = 24 }: { userId: string; limit?: number }) {
  const rows = await db().generation.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { images: true },
  });
  return rows.map(toGenerationView);
}

/** What the event stream sends and the status route answers: these generations and the balance. */
export type GenerationsUpdate = { generations: GenerationView[]; balance: number };

const imageColumns = z.array(
  z.object({
    id: z.string(),
    index: z.number(),
    width: z.number(),
    height: z.number(),
    placeholder: z.string().nullable(),
    thumbKey: z.string().nullable(),
  }),
);

/**
 * The views of these generations of the user's and the user's balance in ONE statement (a page's
 * stream reads this on every change): the user's row, joined to the generations asked for that
 * are theirs, each with its images. Same views as generationViews.
 */
export async function generationsUpdate({
  userId,
  ids,
}: {
  userId: string;
  ids: string[];
}): Promise<GenerationsUpdate> {
  const rows = await db().$queryRaw<
    (Omit<ViewRow, "id" | "status" | "source" | "images"> & {
      balance: number;
      id: string | null;
      status: GenerationStatus;
      source: ImageSource;
      images: unknown;
    })[]
  >`
    SELECT u."creditBalance" AS "balance", g."id", g."status"::text AS "status", g."source"::text AS "source",
      g."createdAt", g."completedAt", g."costCredits", g."chargedCredits", g."refundedCredits", g."seedUsed",
      g."errorMessage", g."model", g."prompt", g."sizePreset", g."width", g."height", g."numImages",
      g."seedRequested", g."enableSafetyChecker", g."syncMode", g."upscaleScale", g."referenceIds",
      (SELECT COALESCE(json_agg(json_build_object('id', i."id", 'index', i."index", 'width', i."width",
          'height', i."height", 'placeholder', i."placeholder", 'thumbKey', i."thumbKey") ORDER BY i."index"), '[]')
        FROM "Image" i WHERE i."generationId" = g."id") AS "images"
    FROM "User" u
    LEFT JOIN "Generation" g ON g."userId" = u."id" AND g."id" = ANY(${ids})
    WHERE u."id" = ${userId}`;
  const first = rows[0];
  if (!first) throw new Error(`user ${userId} not found`);
  const generations: GenerationView[] = [];
  for (const { balance: _, id, images, ...row } of rows) {
    if (id !== null) generations.push(toGenerationView({ ...row, id, images: imageColumns.parse(images) }));
  }
  return { generations, balance: first.balance };
}

export async function generationViews({ userId, ids }: { userId: string; ids: string[] }): Promise<GenerationView[]> {
  if (ids.length === 0) return [];
  const rows = await db().generation.findMany({ where: { userId, id: { in: ids } }, include: { images: true } });
  return rows.map(toGenerationView);
}

/** The settings of one of the user's generations, for "reuse settings" (`/studio?reuse=<id>`). */
export async function generationSettings({
  userId,
  generationId,
}: {
  userId: string;
  generationId: string;
}): Promise<GenerationSettings | null> {
  const row = await db().generation.findFirst({ where: { id: generationId, userId } });
  return row ? repeatSettings(row) : null;
}
