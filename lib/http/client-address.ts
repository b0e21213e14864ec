import { isIP } from "node:net";

// Who is calling. Next.js gives route handlers and actions no socket, and its own X-Forwarded-For
// keeps whatever the client sent, so the studio's server (scripts/serve.ts) writes the socket's
// peer address into PEER_HEADER, replacing any value a client sent under that name.
// No `server-only`: scripts/serve.ts and unit tests use it too.

export const PEER_HEADER = "x-atelier-peer";

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x (what a dual-stack socket reports). */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const a = address.trim().toLowerCase();
  const v4 = a.startsWith("::ffff:") ? a.slice(7) : a;
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return isIP(a) === 6 && (a === "::1" || a === "0:0:0:0:0:0:0:1");
}

/** A host to listen on that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || isLoopbackAddress(h);
}

type HeaderSource = { get(name: string): string | null };

/**
 * The client's address: the socket peer, or — only when `trustProxy` proxies sit in front — the
 * address the outermost trusted proxy saw, counted from the right of X-Forwarded-For (entries
 * further left are whatever the client wrote). Null when the server did not record a peer.
 */
export function clientAddress(headers: HeaderSource, trustProxy: number): string | null {
  const peer = headers.get(PEER_HEADER)?.trim() || null;
  if (trustProxy <= 0 || !peer) return peer;
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Fewer entries than proxies: every entry was written by a trusted proxy, the leftmost is the client.
  const hop = forwarded[Math.max(0, forwarded.length - trustProxy)];
  return hop && isIP(hop) ? hop : peer;
}

/**
 * A loopback caller: the socket peer is this machine and, behind a trusted proxy, so is the client
 * it forwarded. A local reverse proxy forwarding the internet therefore does not count as local.
 */
export function isLoopbackClient(headers: HeaderSource, trustProxy: number): boolean {
  const peer = headers.get(PEER_HEADER);
  return isLoopbackAddress(peer) && isLoopbackAddress(clientAddress(headers, trustProxy));
}
