import { z } from "zod";
import { generationIdsParam } from "@/lib/generations/ids";
import { generationsUpdate } from "@/lib/generations/queries";
import { route } from "@/lib/route";

// The current state of the caller's own generations, and their balance for the form. Pages read
// it only while their event stream (../events) is down: twice a second while a card is pending.
export const dynamic = "force-dynamic";

export const GET = route(
  {
    auth: "user",
    query: z.object({ ids: generationIdsParam.default([]) }),
    invalidQueryMessage: "ids must be a comma-separated list of at most 50 generation ids.",
  },
  async ({ query, user }) => {
    const update = await generationsUpdate({ userId: user.id, ids: query.ids });
    return Response.json(update, { headers: { "cache-control": "no-store" } });
  },
);
