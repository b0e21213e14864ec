import { db } from "@/lib/db";
import { readCapped } from "@/lib/http/read-capped";
import { isCrossSite } from "@/lib/http/same-origin";
import { checkRateLimit } from "@/lib/rate-limit/policies";
import { tooManyRequests } from "@/lib/rate-limit/response";
import { REFERENCE_MAX_BYTES, REFERENCE_MESSAGES } from "@/lib/references/limits";
import { storeReference } from "@/lib/references/store";
import { route, routeError } from "@/lib/route";
import { objectStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

// POST /api/references: one image as the request body (not a form), answered with its
// ReferenceView. Server actions are capped at 1 MB, so uploads come here, where the body is read
// as a stream and reading stops at 10 MB + 1 byte (docs/references.md). Form encodings are
// refused: only a same-origin script can send another Content-Type without a CORS preflight,
// so a cross-site form cannot upload in a user's name, whatever the cookie does.

const STATUS = { too_large: 413, unsupported_type: 415, unreadable: 422, too_many_pixels: 422 } as const;
const FORM_TYPES = /^(multipart\/form-data|application\/x-www-form-urlencoded|text\/plain)\b/i;

export const POST = route({ auth: "user" }, async ({ request, user }) => {
  if (isCrossSite(request)) return routeError(403, "forbidden", "Upload references from Atelier itself.");
  if (FORM_TYPES.test(request.headers.get("content-type") ?? "")) {
    return routeError(415, "unsupported_type", "Send the image file itself as the request body.");
  }
  const limited = await checkRateLimit(db(), "referenceUploadsPerUser", user.id);
  if (limited) return tooManyRequests(limited.result, limited.message);

  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > REFERENCE_MAX_BYTES) return routeError(413, "too_large", REFERENCE_MESSAGES.tooLarge);
  if (!request.body) return routeError(400, "invalid_input", "Send an image as the request body.");
  const bytes = await readCapped(request.body, REFERENCE_MAX_BYTES);
  if (!bytes) return routeError(413, "too_large", REFERENCE_MESSAGES.tooLarge);
  if (bytes.length === 0) return routeError(400, "invalid_input", "Send an image as the request body.");

  const outcome = await storeReference(db(), objectStore(), { userId: user.id, bytes });
  if (!outcome.ok) return routeError(STATUS[outcome.code], outcome.code, outcome.message);
  return Response.json(
    { reference: outcome.reference },
    { status: outcome.created ? 201 : 200, headers: { "cache-control": "no-store" } },
  );
});
