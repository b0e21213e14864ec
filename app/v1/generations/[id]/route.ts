import { notFound } from "@/lib/api/errors";
import { findApiGeneration, toApiGeneration } from "@/lib/api/generations";
import { apiOrigin, apiRoute } from "@/lib/api/route";
import { generationIdSchema } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

// One of the caller's generations: status, settings, images (signed links), credits. Another
// user's id and a malformed one are the same 404.
export const GET = apiRoute<{ id: string }>("read", async ({ request, caller, params }) => {
  const id = generationIdSchema.safeParse(params.id);
  if (!id.success) throw notFound();
  const generation = await findApiGeneration({ userId: caller.userId, id: id.data });
  if (!generation) throw notFound();
  return Response.json(toApiGeneration(generation, apiOrigin(request)));
});
