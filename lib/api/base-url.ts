import "server-only";
import { headers } from "next/headers";
import { env } from "@/lib/env";

/**
 * This studio's API base URL as the reader reaches it: AUTH_URL's origin when configured, else the
 * host this request came to (behind a proxy, its forwarded host and protocol).
 */
export async function apiBaseUrl(): Promise<string> {
  const configured = env().AUTH_URL;
  if (configured) return `${new URL(configured).origin}/v1`;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}/v1`;
}
