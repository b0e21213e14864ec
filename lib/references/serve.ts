import "server-only";
import type { Db } from "@/lib/db";
import { notFoundResponse } from "@/lib/http/route-errors";
import { privateImageResponse } from "@/lib/images/serve";
import type { ObjectStore } from "@/lib/storage/types";

// GET /api/references/:id, as lib/images/serve.ts answers for generated images: ownership in the
// query (another user's reference and a missing one are the same 404), `private, no-cache`, an
// ETag. A deleted reference kept for a generation's lineage is still served: "Made from" shows it.

export async function referenceResponse(
  database: Db,
  store: ObjectStore,
  request: { referenceId: string; userId: string; variant: "original" | "thumb"; ifNoneMatch?: string | null },
): Promise<Response> {
  const reference = await database.referenceImage.findFirst({
    where: { id: request.referenceId, userId: request.userId },
    select: { storageKey: true, thumbKey: true, contentType: true, sha256: true },
  });
  if (!reference) return notFoundResponse();
  const thumb = request.variant === "thumb";
  return privateImageResponse({
    etag: `"${reference.sha256}${thumb ? "-thumb" : ""}"`,
    contentType: thumb ? "image/webp" : reference.contentType,
    ifNoneMatch: request.ifNoneMatch,
    load: () => store.get(thumb ? reference.thumbKey : reference.storageKey),
    missing: { referenceId: request.referenceId, variant: request.variant },
  });
}
