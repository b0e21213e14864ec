import { z } from "zod";
import { getAccountSummary } from "@/lib/account";
import { generationIdsParam } from "@/lib/generations/ids";
import { generationViews } from "@/lib/generations/queries";
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
    const [generations, account] = await Promise.all([
      generationViews({ userId: user.id, ids: query.ids }),
      getAccountSummary({ userId: user.id }),
    ]);
    return Response.json({ generations, balance: account.creditBalance }, { headers: { "cache-control": "no-store" } });
  },
);
