import { describe, expect, it } from "vitest";
import { outboxExposure, outboxVisibleTo } from "../../lib/dev-outbox";
import { parseEnv } from "../../lib/env";
import {
  clientAddress,
  isLoopbackAddress,
  isLoopbackClient,
  isLoopbackHost,
  PEER_HEADER,
  PEER_MARKER_HEADER,
  peerStamp,
} from "../../lib/http/client-address";

const headers = (h: Record<string, string>) => new Headers(h);

describe("loopback", () => {
  it("is 127.0.0.0/8, ::1 and IPv4-mapped 127.x, nothing else", () => {
    for (const a of ["127.0.0.1", "127.0.0.2", "127.255.0.9", "::1", "::ffff:127.0.0.1"]) {
      expect({ a, loopback: isLoopbackAddress(a) }).toEqual({ a, loopback: true });
    }
    for (const a of [
      "192.0.2.2",
      "10.0.0.1",
      "0.0.0.0",
      "::",
      "::ffff:10.0.0.1",
      "fe80::1",
      "localhost",
      "",
      "127.0.0.1x",
    ]) {
      expect({ a, loopback: isLoopbackAddress(a) }).toEqual({ a, loopback: false });
    }
    expect(isLoopbackAddress(null)).toBe(false);
  });

  it("hosts to listen on: localhost and loopback addresses only", () => {
    expect(["127.0.0.1", "localhost", "::1", "[::1]"].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(["0.0.0.0", "::", "192.0.2.2", "studio.example.com"].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("the client address", () => {
  it("is the socket peer, and X-Forwarded-For is ignored unless TRUST_PROXY is set", () => {
    const h = headers({ ...peerStamp("192.0.2.7"), "x-forwarded-for": "127.0.0.1" });
    expect(clientAddress(h, 0)).toBe("192.0.2.7");
    expect(isLoopbackClient(h, 0)).toBe(false);
  });

  it("behind TRUST_PROXY proxies, is the address the outermost trusted proxy saw", () => {
    const h = headers({ ...peerStamp("127.0.0.1"), "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.5" });
    expect(clientAddress(h, 1)).toBe("10.0.0.5");
    expect(clientAddress(h, 2)).toBe("203.0.113.9");
    // A client's own X-Forwarded-For entries (left of the trusted ones) are never taken.
    expect(clientAddress(headers({ ...peerStamp("127.0.0.1"), "x-forwarded-for": "garbage" }), 1)).toBe("127.0.0.1");
  });

  it("is unknown when no server recorded a peer, whatever the headers claim", () => {
    expect(clientAddress(headers({ "x-forwarded-for": "127.0.0.1" }), 0)).toBeNull();
    expect(clientAddress(headers({ "x-forwarded-for": "127.0.0.1" }), 1)).toBeNull();
    expect(isLoopbackClient(headers({ "x-forwarded-for": "127.0.0.1" }), 1)).toBe(false);
  });

  it("ignores a peer header a client sent itself (Next's standalone server passes it through)", () => {
    const stamped = peerStamp("127.0.0.1");
    // No marker, a guessed marker, a marker of the wrong length: the header is the client's own words.
    for (const marker of [undefined, "0".repeat(64), "short", `${stamped[PEER_MARKER_HEADER]}x`]) {
      const h = headers({
        [PEER_HEADER]: "127.0.0.1",
        ...(marker === undefined ? {} : { [PEER_MARKER_HEADER]: marker }),
      });
      expect({ marker, address: clientAddress(h, 0), local: isLoopbackClient(h, 0) }).toEqual({
        marker,
        address: null,
        local: false,
      });
    }
    // The same header with this process's marker, as scripts/serve.ts writes it, counts.
    expect(clientAddress(headers(stamped), 0)).toBe("127.0.0.1");
    expect(isLoopbackClient(headers(stamped), 0)).toBe(true);
  });

  it("is local only when both the peer and, behind a proxy, the forwarded client are loopback", () => {
    expect(isLoopbackClient(headers({ ...peerStamp("127.0.0.1") }), 0)).toBe(true);
    expect(isLoopbackClient(headers({ ...peerStamp("127.0.0.1"), "x-forwarded-for": "203.0.113.9" }), 1)).toBe(false);
    expect(isLoopbackClient(headers({ ...peerStamp("203.0.113.9"), "x-forwarded-for": "127.0.0.1" }), 1)).toBe(false);
  });
});

describe("the development outbox", () => {
  const local = headers({ ...peerStamp("127.0.0.1") });
  const remote = headers({ ...peerStamp("192.0.2.7"), "x-forwarded-for": "127.0.0.1" });

  it("answers loopback clients while mail goes to it", () => {
    expect(outboxVisibleTo(local, parseEnv({ NODE_ENV: "development" }))).toBe(true);
    expect(outboxVisibleTo(remote, parseEnv({ NODE_ENV: "development" }))).toBe(false);
  });

  it("answers no one once mail goes to an SMTP server, or on a deployed studio", () => {
    expect(outboxVisibleTo(local, parseEnv({ NODE_ENV: "development", EMAIL_SERVER: "smtp://mail.test" }))).toBe(false);
    const deployed = parseEnv({
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://db/x",
      AUTH_SECRET: "s".repeat(40),
    });
    expect(outboxVisibleTo(local, deployed)).toBe(false);
  });

  it("keeps the studio from starting on a non-loopback HOST while mail goes to it, and says how to fix it", () => {
    const exposed = outboxExposure(parseEnv({ NODE_ENV: "production", ATELIER_EMBEDDED_DB: "1", HOST: "0.0.0.0" }));
    expect(exposed).toMatch(/HOST=0\.0\.0\.0/);
    expect(exposed).toMatch(/Set EMAIL_SERVER/);
    expect(exposed).toMatch(/leave HOST unset/);
    expect(outboxExposure(parseEnv({ NODE_ENV: "production", ATELIER_EMBEDDED_DB: "1" }))).toBeNull();
    expect(
      outboxExposure(parseEnv({ NODE_ENV: "development", HOST: "0.0.0.0", EMAIL_SERVER: "smtp://mail.test" })),
    ).toBeNull();
  });
});
