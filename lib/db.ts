import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;

/** Connections of a client's pool unless its creator says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

/** A client on its own connection pool; `schema` scopes it to one PostgreSQL schema (tests). */
export function createDb(connectionString: string, options: { schema?: string; max?: number } = {}): Db {
  const adapter = new PrismaPg(
    {
      connectionString,
      max: options.max ?? DEFAULT_POOL_SIZE,
      ...(options.schema ? { options: `-c search_path="${options.schema}"` } : {}),
    },
    options.schema ? { schema: options.schema } : undefined,
  );
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { atelierDb?: Db };

/** The process-wide client. DATABASE_URL is set by scripts/start.ts when it runs the embedded database. */
export function db(): Db {
  if (!globalForDb.atelierDb) {
    const url = env().DATABASE_URL;
    if (!url) {
      throw new Error(
        "DATABASE_URL is not set: start the studio with `npm start`, which provides an embedded PostgreSQL, or set DATABASE_URL.",
      );
    }
    globalForDb.atelierDb = createDb(url);
  }
  return globalForDb.atelierDb;
}

/** Tests point the process-wide client at their own database. */
export function setDb(client: Db): void {
  globalForDb.atelierDb = client;
}
