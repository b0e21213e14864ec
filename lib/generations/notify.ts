import { z } from "zod";
import type { Tx } from "@/lib/credits/ledger";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

// A generation's status changed: told through PostgreSQL NOTIFY, so every web process learns of it
// whichever process made the change, and only once the change is committed (NOTIFY inside a
// transaction is delivered at COMMIT, dropped on ROLLBACK). The payload carries ids only: a
// listener re-reads what it may show through owner-scoped queries. No `server-only`: workers
// (`npm run worker`, tsx) call it too.

export const GENERATION_CHANNEL = "atelier_generation_status";

export const generationNoticeSchema = z.object({ userId: z.string().min(1), generationId: z.string().min(1) });
export type GenerationNotice = z.infer<typeof generationNoticeSchema>;

export async function notifyGenerationChanged(database: Tx | Db, notice: GenerationNotice): Promise<void> {
  await database.$executeRaw`SELECT pg_notify(${GENERATION_CHANNEL}, ${JSON.stringify(notice)})`;
}

/**
 * The same NOTIFY as a column of a SELECT over a row with "userId" and "id" (`alias`), for a
 * statement that changes a generation and tells of it in one round trip. The column is an empty
 * string (pg_notify returns void, which the driver cannot read).
 */
export function notifyGenerationChangedSql(alias: string): Prisma.Sql {
  const row = Prisma.raw(`"${alias.replaceAll('"', "")}"`);
  return Prisma.sql`pg_notify(${GENERATION_CHANNEL}, json_build_object('userId', ${row}."userId", 'generationId', ${row}."id")::text)::text AS "notified"`;
}
