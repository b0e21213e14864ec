import { ApiError, notFound } from "@/lib/api/errors";
import { verifyImageLink } from "@/lib/api/image-links";
import { publicApiRoute } from "@/lib/api/route";
import { imageIdSchema } from "@/lib/api/schemas";
import { db } from "@/lib/db";
import { imageResponse } from "@/lib/images/serve";

export const dynamic = "force-dynamic";

// A signed image link from the API (lib/api/image-links.ts): the signature is the permission.
export const GET = publicApiRoute<{ imageId: string }>(async ({ request, params }) => {
  const id = imageIdSchema.safeParse(params.imageId);
  if (!id.success) throw notFound("No such image.");
  const check = verifyImageLink(id.data, new URL(request.url).searchParams);
  if (!check.ok) {
    throw check.reason === "expired"
      ? new ApiError(
          403,
          "permission_error",
          "link_expired",
          "This image link has expired. Fetch the generation again for a fresh one.",
        )
      : new ApiError(403, "permission_error", "invalid_signature", "This image link is not valid.");
  }
  const image = await db().image.findUnique({ where: { id: id.data }, select: { userId: true } });
  if (!image) throw notFound("No such image.");
  return imageResponse({
    imageId: id.data,
    userId: image.userId,
    variant: "original",
    download: false,
    ifNoneMatch: request.headers.get("if-none-match"),
  });
});
