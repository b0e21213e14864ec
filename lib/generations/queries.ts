import "server-only";
import { db } from "@/lib/db";
import { type GenerationSettings, repeatSettings } from "@/lib/generations/settings";
import { type GenerationView, toGenerationView } from "@/lib/generations/view";

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
