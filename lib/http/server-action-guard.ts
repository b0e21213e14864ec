// Next 16 answers 500 when a server action's body is over the size limit or is not what React's
// decodeReply expects (its own TODO in action-handler.js). proxy.ts checks these requests first and
// answers 4xx with the one error body, so garbage from a client never looks like our failure.

import { routeError } from "@/lib/http/route-errors";

/** The same limit as `experimental.serverActions.bodySizeLimit` in next.config.ts. */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

const ACTION_ID = /^[0-9a-f]{40,64}$/;

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

/** A 4xx answer for a malformed POST to a page (a server action), or null to let Next handle it. */
export async function refuseMalformedAction(request: Request): Promise<Response | null> {
  const length = request.headers.get("content-length");
  if (length === null && request.body !== null) {
    return routeError(411, "length_required", "Send a Content-Length with the request body.");
  }
  if (Number(length ?? 0) > ACTION_BODY_LIMIT_BYTES) {
    return routeError(413, "payload_too_large", "The request is too large.");
  }
  const actionId = request.headers.get("next-action");
  if (actionId === null) return null; // a plain form post: Next looks for its own action fields
  if (!ACTION_ID.test(actionId)) return routeError(404, "not_found", "Not found.");
  const type = request.headers.get("content-type") ?? "";
  // The arguments as React's encodeReply sends them: a JSON array, alone or as field "0" of a form.
  if (type.startsWith("multipart/form-data")) {
    const form = await request
      .clone()
      .formData()
      .catch(() => null);
    const root = form?.get("0");
    if (typeof root === "string" && isJsonArray(root)) return null;
  } else if (isJsonArray(await request.clone().text())) {
    return null;
  }
  return routeError(400, "invalid_input", "The request is not valid.");
}
