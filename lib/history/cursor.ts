import { z } from "zod";

/** A position in the newest-first order: the last row a page showed. */
export type Cursor = { createdAt: Date; id: string };

// Short keys keep the token small; it is opaque to clients, who only hand it back.
const payloadSchema = z.strictObject({
  t: z.iso.datetime({ precision: 3 }),
  i: z.string().regex(/^[a-z0-9]{20,40}$/),
});

export function encodeCursor(cursor: Cursor): string {
  const payload = { t: cursor.createdAt.toISOString(), i: cursor.id };
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

/** The position a token names, or null for anything that is not a token we issued the shape of. */
export function decodeCursor(token: string): Cursor | null {
  if (token.length === 0 || token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return null;
  return { createdAt: new Date(parsed.data.t), id: parsed.data.i };
}
