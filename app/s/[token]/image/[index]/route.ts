import { z } from "zod";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { resolveShareToken } from "@/lib/history/share";
import { clientAddress } from "@/lib/http/client-address";
import { checkRateLimit } from "@/lib/rate-limit/policies";
import { tooManyRequests } from "@/lib/rate-limit/response";
import { objectStore } from "@/lib/storage";

// The images behind a share link, for the public page and for link previews (og:image). The token
// is checked on every request and nothing is cached, so a revoked link stops serving at once.

const paramsSchema = z.object({ token: z.string(), index: z.coerce.number().int().min(0).max(15) });

export async function GET(
  request: Request,
  { params }: { params: Promise<{ token: string; index: string }> },
): Promise<Response> {
  const parsed = paramsSchema.safeParse(await params);
  if (!parsed.success) return notFound();
  const refused = await checkRateLimit(db(), "shareImagePerIp", clientAddress(request.headers, env().TRUST_PROXY));
  if (refused) return tooManyRequests(refused.result, refused.message);
  const shared = await resolveShareToken({ token: parsed.data.token });
  const image = shared?.images.find((i) => i.index === parsed.data.index);
  if (!image) return notFound();
  // Until the derivatives job has made the thumbnail, the original stands in for it.
  const wantsThumb = new URL(request.url).searchParams.get("variant") === "thumb";
  const key = wantsThumb && image.thumbKey ? image.thumbKey : image.storageKey;
  const thumb = key === image.thumbKey;
  const bytes = await objectStore().get(key);
  if (!bytes) return notFound();
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
}

function notFound(): Response {
  return new Response("Not found", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
