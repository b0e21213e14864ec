import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { GenerationStatus, ImageSource } from "@/lib/generated/prisma/enums";
import { type Cursor, encodeCursor } from "@/lib/history/cursor";
import { type HistoryFilters, PAGE_SIZE, type StatusFilter } from "@/lib/history/filters";
import { parseSearch, type SearchQuery, userTermsTsQuery } from "@/lib/history/search-query";

// Read side of the history. Every query is scoped by "userId" in its WHERE clause: another
// user's id simply finds nothing.

export type HistoryImage = {
  id: string;
  index: number;
  /** Null until the derivatives job has made it (and so is the thumbnail: `hasThumb`). */
  placeholder: string | null;
  hasThumb: boolean;
  width: number;
  height: number;
};

export type HistoryItem = {
  id: string;
  prompt: string;
  status: GenerationStatus;
  model: string;
  source: ImageSource;
  width: number;
  height: number;
  aspect: string;
  numImages: number;
  favorite: boolean;
  chargedCredits: number;
  refundedCredits: number;
  errorMessage: string | null;
  createdAt: Date;
  imageCount: number;
  cover: HistoryImage | null;
};

export type HistoryPage = { items: HistoryItem[]; nextCursor: string | null };

const STATUS_VALUES: Record<StatusFilter, GenerationStatus> = {
  queued: "QUEUED",
  running: "RUNNING",
  completed: "COMPLETED",
  failed: "FAILED",
};

const DAY_MS = 86_400_000;

/** Each filter but the text search as a parameterised SQL condition; all of them are ANDed. */
function conditions(userId: string, filters: HistoryFilters, cursor: Cursor | null): Prisma.Sql[] {
  const where: Prisma.Sql[] = [Prisma.sql`g."userId" = ${userId}`];
  if (filters.status) {
    where.push(Prisma.sql`g."status" = CAST(${STATUS_VALUES[filters.status]} AS "GenerationStatus")`);
  }
  if (filters.aspect) where.push(Prisma.sql`g."aspect" = ${filters.aspect}`);
  if (filters.model) where.push(Prisma.sql`g."model" = ${filters.model}`);
  // Days are UTC calendar days, both ends inclusive.
  if (filters.from) where.push(Prisma.sql`g."createdAt" >= CAST(${utcDayStart(filters.from)} AS timestamp(3))`);
  if (filters.to) where.push(Prisma.sql`g."createdAt" < CAST(${utcDayStart(filters.to, 1)} AS timestamp(3))`);
  if (filters.favorites) where.push(Prisma.sql`g."favorite"`);
  // Lineage is recorded at submit (lib/references/lineage.ts): a generation with any row was made from references.
  if (filters.edits) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM "GenerationReference" r WHERE r."generationId" = g."id")`);
  }
  if (cursor) {
    // A row comparison, so the (userId, createdAt DESC, id DESC) index seeks straight to the
    // position: a page 50,000 rows deep costs what the first one does.
    where.push(
      Prisma.sql`(g."createdAt", g."id") < (CAST(${timestampText(cursor.createdAt)} AS timestamp(3)), ${cursor.id})`,
    );
  }
  return where;
}

function matches(search: SearchQuery): Prisma.Sql {
  return Prisma.sql`g."promptSearch" @@ to_tsquery('simple', ${search.tsquery})`;
}

/** Timestamps travel as text without a zone: the columns are UTC `timestamp(3)`. */
function timestampText(date: Date): string {
  return date.toISOString().replace("Z", "");
}

function utcDayStart(day: string, plusDays = 0): string {
  return timestampText(new Date(Date.parse(`${day}T00:00:00.000Z`) + plusDays * DAY_MS));
}

type Row = Omit<HistoryItem, "cover"> & {
  coverId: string | null;
  coverIndex: number | null;
  coverPlaceholder: string | null;
  coverHasThumb: boolean | null;
  coverWidth: number | null;
  coverHeight: number | null;
};

/**
 * How a page is found: either every filter in SQL (the planner picks an index), or a fixed list
 * of ids already chosen by the search window below.
 */
export type PageSelection = { kind: "filters"; search: SearchQuery | null } | { kind: "ids"; ids: string[] };

/** The SQL of one page (exported so the benchmark can EXPLAIN exactly what the page runs). */
export function historyPageQuery({
  userId,
  filters,
  cursor,
  take,
  selection,
}: {
  userId: string;
  filters: HistoryFilters;
  cursor: Cursor | null;
  take: number;
  selection: PageSelection;
}): Prisma.Sql {
  const where = conditions(userId, filters, cursor);
  if (selection.kind === "ids") where.push(Prisma.sql`g."id" = ANY(${selection.ids})`);
  else if (selection.search) {
    where.push(matches(selection.search));
    // The index that finds this user's rows holding every word of the search (the exact match
    // above is checked on each of them): only this user's entries for those words are read.
    const terms = userTermsTsQuery(userId, selection.search.words);
    if (terms) where.push(Prisma.sql`generation_user_terms(g."userId", g."prompt") @@ CAST(${terms} AS tsquery)`);
  }
  const columns = Prisma.sql`g."id", g."prompt", g."status", g."model", g."source", g."width", g."height",
    g."aspect", g."numImages", g."favorite", g."chargedCredits", g."refundedCredits", g."errorMessage", g."createdAt"`;
  const order = Prisma.sql`ORDER BY g."createdAt" DESC, g."id" DESC LIMIT ${take + 1}`;
  // A search the window could not decide has few matches among this user's rows: they are all
  // read from the per-user terms index first (a MATERIALIZED CTE, so the planner cannot walk the
  // user's rows newest first hoping for an early stop that a word common among other users
  // makes it expect), then ordered. Everything else reads the page straight off a b-tree index.
  const page =
    selection.kind === "filters" && selection.search
      ? Prisma.sql`(
          WITH found AS MATERIALIZED (SELECT ${columns} FROM "Generation" g WHERE ${Prisma.join(where, " AND ")})
          SELECT * FROM found g ${order}
        )`
      : Prisma.sql`(SELECT ${columns} FROM "Generation" g WHERE ${Prisma.join(where, " AND ")} ${order})`;
  // The page is chosen first (LIMIT inside), then each row's cover image and image count are
  // looked up by the (generationId, index) unique index: a few small probes, never a join over all rows.
  return Prisma.sql`
    SELECT g.*, c."id" AS "coverId", c."index" AS "coverIndex", c."placeholder" AS "coverPlaceholder",
           c."thumbKey" IS NOT NULL AS "coverHasThumb", c."width" AS "coverWidth", c."height" AS "coverHeight",
           (SELECT count(*)::int FROM "Image" n WHERE n."generationId" = g."id") AS "imageCount"
    FROM ${page} g
    LEFT JOIN LATERAL (
      SELECT i."id", i."index", i."placeholder", i."thumbKey", i."width", i."height"
      FROM "Image" i WHERE i."generationId" = g."id" ORDER BY i."index" LIMIT 1
    ) c ON true
    ORDER BY g."createdAt" DESC, g."id" DESC`;
}

/** Rows a search first looks through in plain newest-first order before asking the full-text index. */
export const SEARCH_WINDOW = 5000;

/**
 * A search looks through the next `window` rows (after the cursor, other filters applied) in index
 * order first. Words a user uses often fill a page there in a few milliseconds, whatever the
 * planner would estimate; only when the window holds too few matches does the search go to the
 * per-user GIN index, where words rare for this user are cheap (however common among others). The answer is the same either way. Returns the page's ids
 * (plus one to tell whether more follow), or null when the window could not decide.
 */
export function searchWindowQuery({
  userId,
  filters,
  cursor,
  take,
  search,
  window,
}: {
  userId: string;
  filters: HistoryFilters;
  cursor: Cursor | null;
  take: number;
  search: SearchQuery;
  window: number;
}): Prisma.Sql {
  const where = Prisma.join(conditions(userId, filters, cursor), " AND ");
  // The window is read in index order and stops as soon as take + 1 matches are found; only when
  // there are fewer is the window's size counted, to tell "no more rows" from "window too small".
  return Prisma.sql`
    WITH hits AS MATERIALIZED (
      SELECT ARRAY(
        SELECT g."id" FROM (
          SELECT g."id", g."createdAt", g."promptSearch" FROM "Generation" g
          WHERE ${where}
          ORDER BY g."createdAt" DESC, g."id" DESC
          LIMIT ${window}
        ) g
        WHERE ${matches(search)}
        ORDER BY g."createdAt" DESC, g."id" DESC
        LIMIT ${take + 1}
      ) AS "ids"
    )
    SELECT "ids",
           CASE WHEN cardinality("ids") > ${take} THEN ${window}
                ELSE (SELECT count(*)::int FROM (
                        SELECT 1 FROM "Generation" g WHERE ${where}
                        ORDER BY g."createdAt" DESC, g."id" DESC LIMIT ${window}) n)
           END AS "scanned"
    FROM hits`;
}

async function searchInWindow(args: Parameters<typeof searchWindowQuery>[0]): Promise<string[] | null> {
  const [row] = await db().$queryRaw<{ scanned: number; ids: string[] }[]>(searchWindowQuery(args));
  if (!row) return null;
  // Decided: a full page plus one was found, or the window held every remaining row.
  return row.ids.length > args.take || row.scanned < args.window ? row.ids : null;
}

/**
 * One page of a user's generations, newest first, after `cursor` (exclusive). Pages are keyed on
 * (createdAt, id), so rows created while someone scrolls never shift or repeat a page.
 */
export async function listGenerations({
  userId,
  filters = {},
  cursor = null,
  limit = PAGE_SIZE,
  searchWindow = SEARCH_WINDOW,
}: {
  userId: string;
  filters?: HistoryFilters;
  cursor?: Cursor | null;
  limit?: number;
  /** Tests make it small to exercise both ways a search is answered. */
  searchWindow?: number;
}): Promise<HistoryPage> {
  const take = Math.min(Math.max(Math.trunc(limit), 1), 100);
  const search = filters.q ? parseSearch(filters.q) : null;
  let selection: PageSelection = { kind: "filters", search };
  if (search && searchWindow > 0) {
    const ids = await searchInWindow({ userId, filters, cursor, take, search, window: searchWindow });
    if (ids) {
      if (ids.length === 0) return { items: [], nextCursor: null };
      selection = { kind: "ids", ids };
    }
  }
  const rows = await db().$queryRaw<Row[]>(historyPageQuery({ userId, filters, cursor, take, selection }));
  const items = rows.slice(0, take).map(toItem);
  const last = items.at(-1);
  const nextCursor = rows.length > take && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}

/** The current state of some of this user's generations (the grid refreshes those in flight). */
export async function getHistoryItems({ userId, ids }: { userId: string; ids: string[] }): Promise<HistoryItem[]> {
  if (ids.length === 0) return [];
  const rows = await db().$queryRaw<Row[]>(
    historyPageQuery({ userId, filters: {}, cursor: null, take: ids.length, selection: { kind: "ids", ids } }),
  );
  return rows.map(toItem);
}

function toItem(row: Row): HistoryItem {
  const { coverId, coverIndex, coverPlaceholder, coverHasThumb, coverWidth, coverHeight, ...rest } = row;
  const cover =
    coverId !== null && coverIndex !== null && coverWidth !== null && coverHeight !== null
      ? {
          id: coverId,
          index: coverIndex,
          placeholder: coverPlaceholder,
          hasThumb: coverHasThumb === true,
          width: coverWidth,
          height: coverHeight,
        }
      : null;
  return { ...rest, cover };
}

/** Everything the detail view shows, or null when the generation is not this user's (or gone). */
export async function getGeneration({ userId, id }: { userId: string; id: string }) {
  return db().generation.findFirst({
    where: { id, userId },
    include: {
      images: {
        orderBy: { index: "asc" },
        select: {
          id: true,
          index: true,
          width: true,
          height: true,
          contentType: true,
          bytes: true,
          placeholder: true,
        },
      },
    },
  });
}

export type GenerationDetail = NonNullable<Awaited<ReturnType<typeof getGeneration>>>;
