import { invalidRequest } from "@/lib/api/errors";
import { listApiGenerations } from "@/lib/api/generations";
import { apiOrigin, apiRoute } from "@/lib/api/route";
import { type GenerationList, generationListQuerySchema } from "@/lib/api/schemas";
import { parseRequest } from "@/lib/api/validate";
import { decodeCursor } from "@/lib/history/cursor";

export const dynamic = "force-dynamic";

// The caller's history, newest first, with the history page's filters and search. Keyset pages:
// hand `next_cursor` back as `cursor` for the next one.
export const GET = apiRoute("read", async ({ request, caller }) => {
  const query = parseRequest(generationListQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !cursor) throw invalidRequest("`cursor` is not one this API issued.", "cursor");
  const { cursor: _, limit, favorites, edits, ...filters } = query;
  const page = await listApiGenerations({
    userId: caller.userId,
    filters: {
      ...filters,
      ...(favorites === "true" ? { favorites: true } : {}),
      ...(edits === "true" ? { edits: true } : {}),
    },
    cursor,
    limit,
    origin: apiOrigin(request),
  });
  const list: GenerationList = {
    object: "list",
    data: page.data,
    has_more: page.nextCursor !== null,
    next_cursor: page.nextCursor,
  };
  return Response.json(list);
});
