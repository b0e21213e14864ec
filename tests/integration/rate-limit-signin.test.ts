// Sign-in email limits and the newest-link-only rule, through the real Auth.js route handler
// (POST /api/auth/signin/email, CSRF and all) on the real PostgreSQL server.
import { describe, expect, it } from "vitest";
import { peerStamp } from "../../lib/http/client-address";
import { readOutbox } from "../../lib/mail";
import { openTestDb } from "../support/db";

Object.assign(process.env, {
  AUTH_URL: "http://studio.test",
  RATE_LIMIT_SIGNIN_EMAIL_PER_ADDRESS: "3/10m",
  RATE_LIMIT_SIGNIN_EMAIL_PER_IP: "10/10m",
});
const { db } = await openTestDb({ max: 20 });
const { GET, POST } = await import("../../app/api/auth/[...nextauth]/route");
const { NextRequest } = await import("next/server");

const BASE = "http://studio.test/api/auth";

async function csrf(): Promise<{ token: string; cookie: string }> {
  const res = await GET(new NextRequest(`${BASE}/csrf`));
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { token: csrfToken, cookie };
}

function askForLink(email: string, peer: string, session: { token: string; cookie: string }) {
  return POST(
    new NextRequest(`${BASE}/signin/email`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: session.cookie,
        ...peerStamp(peer),
      },
      body: new URLSearchParams({ email, csrfToken: session.token, callbackUrl: "/studio" }),
    }),
  );
}

describe("sign-in emails", () => {
  it("go out at most 3 times per address under 50 concurrent requests, and only the newest link works", async () => {
    const session = await csrf();
    const email = "ada@example.com";
    // 50 different client addresses, so only the per-address limit is in play.
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => askForLink(i % 2 ? email : " ADA@Example.com ", `10.0.0.${i + 1}`, session)),
    );
    const sent = responses.filter((r) => r.status === 302);
    const refused = responses.filter((r) => r.status === 429);
    expect(sent).toHaveLength(3);
    expect(refused).toHaveLength(47);
    for (const r of sent) expect(r.headers.get("location")).toContain("/api/auth/verify-request");
    const body = await refused[0]?.json();
    expect(body).toEqual({
      error: { code: "rate_limited", message: "Too many sign-in emails for this address. Try again in 10 minutes." },
    });
    const retryAfter = Number(refused[0]?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused[0]?.headers.get("x-ratelimit-limit")).toBe("3");
    expect(refused[0]?.headers.get("x-ratelimit-remaining")).toBe("0");

    expect((await readOutbox()).filter((m) => m.to === email)).toHaveLength(3);
    // Each new link voided the older ones: one token is left for the address.
    expect(await db.verificationToken.count({ where: { identifier: email } })).toBe(1);
  });

  it("go out at most 10 times per client address under 50 concurrent requests, whatever X-Forwarded-For says", async () => {
    const session = await csrf();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        POST(
          new NextRequest(`${BASE}/signin/email`, {
            method: "POST",
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              cookie: session.cookie,
              ...peerStamp("192.0.2.50"),
              "x-forwarded-for": `198.51.100.${i}`,
            },
            body: new URLSearchParams({ email: `user${i}@example.com`, csrfToken: session.token }),
          }),
        ),
      ),
    );
    expect(responses.filter((r) => r.status === 302)).toHaveLength(10);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(40);
    expect(await refused[0]?.json()).toMatchObject({
      error: { message: "Too many sign-in emails from your network. Try again in 10 minutes." },
    });
    expect(await db.verificationToken.count({ where: { identifier: { startsWith: "user" } } })).toBe(10);
  });

  it("are limited on a JSON body too", async () => {
    const session = await csrf();
    const ask = () =>
      POST(
        new NextRequest(`${BASE}/signin/email`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: session.cookie, ...peerStamp("192.0.2.60") },
          body: JSON.stringify({ email: "grace@example.com", csrfToken: session.token }),
        }),
      );
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ask()).status);
    expect(statuses).toEqual([302, 302, 302, 429]);
    expect(await db.verificationToken.count({ where: { identifier: "grace@example.com" } })).toBe(1);
  });
});
