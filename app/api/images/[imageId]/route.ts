import { z } from "zod";
import { recordIdSchema } from "@/lib/history/schemas";
import { imageResponse } from "@/lib/images/serve";
import { route } from "@/lib/route";

export const dynamic = "force-dynamic";

export const GET = route(
  {
    auth: "user",
    params: z.object({ imageId: recordIdSchema }),
    // Unknown values fall back to the defaults: these only pick a variant of the same image.
    query: z.object({
      variant: z.enum(["original", "thumb"]).catch("original"),
      download: z.literal("1").optional().catch(undefined),
    }),
  },
  async ({ request, params, query, user }) =>
    imageResponse({
      imageId: params.imageId,
      userId: user.id,
      variant: query.variant,
      download: query.download === "1",
      ifNoneMatch: request.headers.get("if-none-match"),
    }),
);
