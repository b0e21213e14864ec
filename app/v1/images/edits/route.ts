import { readEditForm, submitApiEdit, withEditSlot } from "@/lib/api/edits";
import { answerImagesRequest } from "@/lib/api/generations";
import { apiRoute } from "@/lib/api/route";

export const dynamic = "force-dynamic";

// OpenAI's `images.edit` (multipart: `image` or `image[]`, `prompt`, …) on the studio's
// edit-capable models. proxy.ts does not see this path: Next would hand the route a copy of the
// body cut at 10 MB; unseen, the route reads the body itself with its own cap (lib/api/edits.ts).
// Answers exactly as /v1/images/generations does.
export const POST = apiRoute("generate", async ({ request, caller }) => {
  // The slot covers reading and storing the files, not the wait for the model that may follow.
  const { generation, format } = await withEditSlot(caller.userId, async () => {
    const body = await readEditForm(request);
    const submitted = await submitApiEdit({
      userId: caller.userId,
      request: body,
      idempotencyHeader: request.headers.get("idempotency-key"),
    });
    return { generation: submitted, format: body.response_format ?? "url" };
  });
  return answerImagesRequest({ request, userId: caller.userId, generationId: generation.id, format });
});
