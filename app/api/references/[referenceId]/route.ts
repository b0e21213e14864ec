import { z } from "zod";
import { db } from "@/lib/db";
import { recordIdSchema } from "@/lib/history/schemas";
import { isCrossSite } from "@/lib/http/same-origin";
import { deleteReference } from "@/lib/references/delete";
import { referenceResponse } from "@/lib/references/serve";
import { notFoundResponse, route, routeError } from "@/lib/route";
import { objectStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

const params = z.object({ referenceId: recordIdSchema });

// GET: the reference's original or thumbnail, to its owner only (everyone else: 404).
export const GET = route(
  {
    auth: "user",
    params,
    query: z.object({ variant: z.enum(["original", "thumb"]).catch("original") }),
  },
  async ({ request, params, query, user }) =>
    referenceResponse(db(), objectStore(), {
      referenceId: params.referenceId,
      userId: user.id,
      variant: query.variant,
      ifNoneMatch: request.headers.get("if-none-match"),
    }),
);

// DELETE: removes the reference (or hides it while a generation's lineage names it).
export const DELETE = route({ auth: "user", params }, async ({ request, params, user }) => {
  if (isCrossSite(request)) return routeError(403, "forbidden", "Delete references from Atelier itself.");
  const outcome = await deleteReference(db(), objectStore(), { userId: user.id, referenceId: params.referenceId });
  if (!outcome) return notFoundResponse();
  return Response.json({ outcome }, { headers: { "cache-control": "no-store" } });
});
