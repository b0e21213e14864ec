import { z } from "zod";
import { invalidRequest } from "@/lib/api/errors";
import { listApiGenerations } from "@/lib/api/generations";
import { apiOrigin, apiRoute } from "@/lib/api/route";
import { parseRequest } from "@/lib/api/validate";
import { decodeCursor } from "@/lib/history/cursor";
import { historyFiltersSchema, STATUS_FILTERS } from "@/lib/history/filters";

export const dynamic = "force-dynamic";

// The caller's history, newest first, with the history page's filters and search. Keyset pages:
// hand `next_cursor` back as `cursor` for the next one.
const listQuerySchema = z
  .object({
    q: historyFiltersSchema.shape.q,
    status: z.enum(STATUS_FILTERS, { error: `\`status\` is one of ${STATUS_FILTERS.join(", ")}.` }).optional(),
    model: historyFiltersSchema.shape.model,
    aspect: historyFiltersSchema.shape.aspect,
    from: historyFiltersSchema.shape.from,
    to: historyFiltersSchema.shape.to,
    favorites: z.enum(["true", "false"]).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1, "`limit` is 1 to 100.").max(100, "`limit` is 1 to 100.").default(24),
  })
  .strict();

export const GET = apiRoute("read", async ({ request, caller }) => {
  const query = parseRequest(listQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !cursor) throw invalidRequest("`cursor` is not one this API issued.", "cursor");
  const { cursor: _, limit, favorites, ...filters } = query;
  const page = await listApiGenerations({
    userId: caller.userId,
    filters: { ...filters, ...(favorites === "true" ? { favorites: true } : {}) },
    cursor,
    limit,
    origin: apiOrigin(request),
  });
  return Response.json({
    object: "list",
    data: page.data,
    has_more: page.nextCursor !== null,
    next_cursor: page.nextCursor,
  });
});
