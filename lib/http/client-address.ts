import { randomBytes, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

// Who is calling. Next.js gives route handlers and actions no socket, and its own X-Forwarded-For
// keeps whatever the client sent, so the studio's server (scripts/serve.ts) writes the socket's
// peer address into PEER_HEADER, replacing any value a client sent under that name. A server that
// does not (Next's standalone server.js) passes a client's PEER_HEADER through untouched, so the
// peer counts only when PEER_MARKER_HEADER carries this process's secret, which only the server
// that wrote the peer knows (it lives in this process's memory, never in a response).
// No `server-only`: scripts/serve.ts and unit tests use it too.

export const PEER_HEADER = "x-atelier-peer";
export const PEER_MARKER_HEADER = "x-atelier-peer-marker";

// On globalThis: scripts/serve.ts (tsx) and Next's bundled copy of this module share one process.
const globalForPeer = globalThis as unknown as { atelierPeerSecret?: string };

/**
 * The headers that record `address` as the socket peer, for the server that owns the socket
 * (scripts/serve.ts) to set on each request, overwriting whatever the client sent.
 */
export function peerStamp(address: string): Record<typeof PEER_HEADER | typeof PEER_MARKER_HEADER, string> {
  globalForPeer.atelierPeerSecret ??= randomBytes(32).toString("hex");
  return { [PEER_HEADER]: address, [PEER_MARKER_HEADER]: globalForPeer.atelierPeerSecret };
}

/** The recorded socket peer, or null unless this process's own server recorded it. */
function recordedPeer(headers: HeaderSource): string | null {
  const secret = globalForPeer.atelierPeerSecret;
  const marker = headers.get(PEER_MARKER_HEADER);
  if (!secret || !marker) return null;
  const expected = Buffer.from(secret);
  const given = Buffer.from(marker);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return headers.get(PEER_HEADER)?.trim() || null;
}

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
 * further left are whatever the client wrote). Null when this process's server did not record a peer
 * (Next's standalone server.js, or a client-sent PEER_HEADER without the marker).
 */
export function clientAddress(headers: HeaderSource, trustProxy: number): string | null {
  const peer = recordedPeer(headers);
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
  const peer = recordedPeer(headers);
  return isLoopbackAddress(peer) && isLoopbackAddress(clientAddress(headers, trustProxy));
}
