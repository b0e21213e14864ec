import { z } from "zod";
import { getAccountSummary } from "@/lib/account";
import { generationViews } from "@/lib/generations/queries";
import { route } from "@/lib/route";

// Polled by the studio page (about twice a second, only while one of its cards is pending):
// the current state of the caller's own generations, and their balance for the form.
export const dynamic = "force-dynamic";

const idsSchema = z
  .string()
  .max(2000)
  .transform((v) => [...new Set(v.split(",").filter(Boolean))])
  .pipe(z.array(z.string().regex(/^[a-z0-9]{10,40}$/)).max(50));

export const GET = route(
  {
    auth: "user",
    query: z.object({ ids: idsSchema.default([]) }),
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
