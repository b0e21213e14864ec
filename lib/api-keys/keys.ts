import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { API_SCOPES, type ApiScope, SECRET_PREFIX } from "@/lib/api-keys/scopes";
import type { Db } from "@/lib/db";

// Personal API keys. The secret is `atl_` + 32 random bytes in base64url (43 characters) and is
// shown once; the database keeps its SHA-256 and a short prefix. A request's key is found by its
// prefix and then compared hash to hash in constant time, so neither the lookup nor the compare
// tells an attacker how much of a guess was right.

/** Active (unrevoked) keys one user may hold at once. */
export const MAX_ACTIVE_KEYS = 10;

/** Characters after `atl_` kept in clear to find the row and to tell keys apart in the list. */
const LOOKUP_CHARS = 8;
// base64url of 32 bytes: 43 characters, no padding.
const secretSchema = z.string().regex(/^atl_[A-Za-z0-9_-]{43}$/);

export const apiKeyNameSchema = z
  .string({ error: "Name the key." })
  .trim()
  .min(1, "Name the key.")
  .max(60, "Keep the name under 60 characters.")
  .refine((name) => ![...name].some(isControl), "The name cannot contain control characters.");

function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

export const apiScopesSchema = z
  .array(z.enum(API_SCOPES, { error: "Unknown scope." }))
  .min(1, "Choose at least one scope.")
  .transform((scopes) => API_SCOPES.filter((s) => scopes.includes(s)));

function sha256(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export type ApiKeySummary = {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const summarySelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

function toSummary(row: {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): ApiKeySummary {
  return { ...row, scopes: API_SCOPES.filter((s) => row.scopes.includes(s)) };
}

export type CreateApiKeyResult =
  | { ok: true; secret: string; key: ApiKeySummary }
  | { ok: false; code: "too_many_keys"; message: string };

export async function createApiKey(
  database: Db,
  { userId, name, scopes }: { userId: string; name: string; scopes: readonly ApiScope[] },
): Promise<CreateApiKeyResult> {
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
  const prefix = secret.slice(SECRET_PREFIX.length, SECRET_PREFIX.length + LOOKUP_CHARS);
  return database.$transaction(async (tx) => {
    // The user's row is locked so that concurrent creates count the same set of keys.
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR NO KEY UPDATE`;
    const active = await tx.apiKey.count({ where: { userId, revokedAt: null } });
    if (active >= MAX_ACTIVE_KEYS) {
      return {
        ok: false as const,
        code: "too_many_keys" as const,
        message: `You have ${MAX_ACTIVE_KEYS} active keys, the most allowed. Revoke one to create another.`,
      };
    }
    const key = await tx.apiKey.create({
      data: { userId, name, prefix, secretHash: sha256(secret), scopes: [...scopes] },
      select: summarySelect,
    });
    return { ok: true as const, secret, key: toSummary(key) };
  });
}

export async function listApiKeys(database: Db, { userId }: { userId: string }): Promise<ApiKeySummary[]> {
  const rows = await database.apiKey.findMany({
    where: { userId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: summarySelect,
  });
  return rows.map(toSummary);
}

/** Revokes the caller's own key; false when there is no such active key of theirs. */
export async function revokeApiKey(database: Db, { userId, id }: { userId: string; id: string }): Promise<boolean> {
  const { count } = await database.apiKey.updateMany({
    where: { id, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

export type ApiCaller = { userId: string; keyId: string; scopes: ApiScope[] };

/** `lastUsedAt` is written at most this often per key, so busy keys do not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The caller a secret belongs to, or null for anything malformed, unknown or revoked. */
export async function authenticateApiKey(database: Db, secret: string, now = new Date()): Promise<ApiCaller | null> {
  const parsed = secretSchema.safeParse(secret);
  if (!parsed.success) return null;
  const prefix = parsed.data.slice(SECRET_PREFIX.length, SECRET_PREFIX.length + LOOKUP_CHARS);
  const candidates = await database.apiKey.findMany({
    where: { prefix, revokedAt: null },
    select: { id: true, userId: true, scopes: true, secretHash: true, lastUsedAt: true },
  });
  const presented = Buffer.from(sha256(parsed.data), "hex");
  const match = candidates.find((c) => timingSafeEqual(Buffer.from(c.secretHash, "hex"), presented));
  if (!match) return null;
  if (!match.lastUsedAt || now.getTime() - match.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await database.apiKey.updateMany({ where: { id: match.id, revokedAt: null }, data: { lastUsedAt: now } });
  }
  return { userId: match.userId, keyId: match.id, scopes: API_SCOPES.filter((s) => match.scopes.includes(s)) };
}
