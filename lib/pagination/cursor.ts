// Keyset cursors for lists ordered newest first by (createdAt, id): a page's cursor is its last
// (or first) row's pair, opaque to the reader, so pages stay stable while new rows arrive.

export type CursorKey = { createdAt: Date; id: string };

export function encodeCursor(row: CursorKey): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

/** The row a cursor names, or null for a missing or garbled one (read as "no cursor"). */
export function decodeCursor(cursor: string | undefined): CursorKey | null {
  if (!cursor) return null;
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id };
}

/** A Prisma `where` part: the rows after `key` in newest-first order (older ones). */
export function olderThan(key: CursorKey) {
  return { OR: [{ createdAt: { lt: key.createdAt } }, { createdAt: key.createdAt, id: { lt: key.id } }] };
}

/** A Prisma `where` part: the rows before `key` in newest-first order (newer ones). */
export function newerThan(key: CursorKey) {
  return { OR: [{ createdAt: { gt: key.createdAt } }, { createdAt: key.createdAt, id: { gt: key.id } }] };
}
