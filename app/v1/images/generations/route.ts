import { answerImagesRequest, imageGenerationRequestSchema, submitApiGeneration } from "@/lib/api/generations";
import { apiRoute, jsonBody } from "@/lib/api/route";
import { parseRequest } from "@/lib/api/validate";

export const dynamic = "force-dynamic";

// OpenAI's `images.generate`. Waits for the images (up to API_SYNC_WAIT_SECONDS) and answers as
// OpenAI does; with `Prefer: respond-async`, or when the wait runs out, answers 202 with the
// generation to poll at its Location.
export const POST = apiRoute("generate", async ({ request, caller }) => {
  const body = parseRequest(imageGenerationRequestSchema, await jsonBody(request));
  const generation = await submitApiGeneration({
    userId: caller.userId,
    request: body,
    idempotencyHeader: request.headers.get("idempotency-key"),
  });
  return answerImagesRequest({
    request,
    userId: caller.userId,
    generationId: generation.id,
    format: body.response_format ?? "url",
  });
});
