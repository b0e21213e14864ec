import { ApiError } from "@/lib/api/errors";
import {
  findApiGeneration,
  imageGenerationRequestSchema,
  submitApiGeneration,
  toApiGeneration,
  toImagesResponse,
  waitForSettled,
} from "@/lib/api/generations";
import { apiOrigin, apiRoute, jsonBody } from "@/lib/api/route";
import { parseRequest } from "@/lib/api/validate";
import { env } from "@/lib/env";

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
  const origin = apiOrigin(request);
  const location = `/v1/generations/${generation.id}`;
  const respondAsync = /\brespond-async\b/i.test(request.headers.get("prefer") ?? "");
  const settled = respondAsync
    ? null
    : await waitForSettled({
        userId: caller.userId,
        id: generation.id,
        waitMs: env().API_SYNC_WAIT_SECONDS * 1000,
        signal: request.signal,
      });
  if (!settled) {
    const current = await findApiGeneration({ userId: caller.userId, id: generation.id });
    if (!current) throw new ApiError(404, "not_found_error", "not_found", "No such generation.");
    return Response.json(toApiGeneration(current, origin), {
      status: 202,
      headers: { location, "preference-applied": respondAsync ? "respond-async" : "" },
    });
  }
  if (settled.images.length === 0) {
    const blocked = settled.errorCode === "content_blocked";
    throw new ApiError(
      blocked ? 400 : 502,
      blocked ? "invalid_request_error" : "api_error",
      blocked ? "content_policy_violation" : (settled.errorCode ?? "generation_failed"),
      `${settled.errorMessage ?? "The generation failed."} Its ${settled.refundedCredits} credits were refunded (generation ${settled.id}).`,
    );
  }
  const format = body.response_format ?? "url";
  return Response.json(await toImagesResponse(settled, { origin, format }), { headers: { location } });
});
