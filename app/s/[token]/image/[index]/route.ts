import { z } from "zod";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { shareTokenSchema } from "@/lib/history/schemas";
import { resolveShareToken } from "@/lib/history/share";
import { clientAddress } from "@/lib/http/client-address";
import { checkRateLimit } from "@/lib/rate-limit/policies";
import { tooManyRequests } from "@/lib/rate-limit/response";
import { notFoundResponse, route } from "@/lib/route";
import { objectStore } from "@/lib/storage";

// The images behind a share link, for the public page and for link previews (og:image). The token
// is checked on every request and nothing is cached, so a revoked link stops serving at once.

export const GET = route(
  {
    auth: "public",
    params: z.object({
      token: shareTokenSchema,
      index: z
        .string()
        .regex(/^\d{1,2}$/)
        .transform(Number)
        .pipe(z.number().max(15)),
    }),
    query: z.object({ variant: z.enum(["original", "thumb"]).catch("original") }),
  },
  async ({ request, params, query }) => {
    const refused = await checkRateLimit(db(), "shareImagePerIp", clientAddress(request.headers, env().TRUST_PROXY));
    if (refused) return tooManyRequests(refused.result, refused.message);
    const shared = await resolveShareToken({ token: params.token });
    const image = shared?.images.find((i) => i.index === params.index);
    if (!image) return notFoundResponse();
    // Until the derivatives job has made the thumbnail, the original stands in for it.
    const key = query.variant === "thumb" && image.thumbKey ? image.thumbKey : image.storageKey;
    const thumb = key === image.thumbKey;
    const bytes = await objectStore().get(key);
    if (!bytes) return notFoundResponse();
    return new Response(new Uint8Array(bytes), {
      headers: {
        "Content-Type": thumb ? "image/webp" : image.contentType,
        "Content-Length": String(bytes.byteLength),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Robots-Tag": "noindex",
      },
    });
  },
);
