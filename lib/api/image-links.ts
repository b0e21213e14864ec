import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";

// Image links handed out by the public API: `/v1/files/<imageId>?expires=<unix>&signature=<hmac>`.
// The link itself is the permission (like a presigned S3 URL), so a script can pass it to a tool
// that has no API key; it stops working at `expires`. The HMAC key is derived from AUTH_SECRET for
// this one purpose, so a signature here is worth nothing anywhere else.

function signingKey(): Buffer {
  const secret = env().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is required to sign image links");
  return createHmac("sha256", secret).update("atelier:api-image-links:v1").digest();
}

function signature(imageId: string, expires: number): string {
  return createHmac("sha256", signingKey()).update(`${imageId}.${expires}`).digest("base64url");
}

export function signedImagePath(imageId: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + env().API_IMAGE_URL_TTL_SECONDS;
  const query = new URLSearchParams({ expires: String(expires), signature: signature(imageId, expires) });
  return `/v1/files/${encodeURIComponent(imageId)}?${query}`;
}

export type LinkCheck =
  | { ok: true; expires: number }
  | { ok: false; reason: "malformed" | "expired" | "bad_signature" };

export function verifyImageLink(imageId: string, params: URLSearchParams, now = Date.now()): LinkCheck {
  const expiresText = params.get("expires") ?? "";
  const given = params.get("signature") ?? "";
  if (!/^\d{1,12}$/.test(expiresText) || !/^[A-Za-z0-9_-]{43}$/.test(given)) return { ok: false, reason: "malformed" };
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(imageId, expires), "base64url");
  if (!timingSafeEqual(expected, Buffer.from(given, "base64url"))) return { ok: false, reason: "bad_signature" };
  if (expires * 1000 <= now) return { ok: false, reason: "expired" };
  return { ok: true, expires };
}
