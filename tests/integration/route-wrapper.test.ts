// lib/route.ts, the wrapper every route handler is written with: ids are refused before any query,
// every error has one body, and a database that cannot be reached is a 503 with Retry-After (here
// a real one: the test's PostgreSQL behind a TCP proxy that the test cuts).
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { GET as shareImage } from "@/app/s/[token]/image/[index]/route";
import { createDb } from "@/lib/db";
import { route } from "@/lib/route";
import { openTestDb } from "../support/db";
import { startOutageProxy } from "../support/db-outage-proxy";

const { url, schema } = await openTestDb();
const proxy = await startOutageProxy(url);
const throughProxy = createDb(proxy.url, { schema });
afterAll(async () => {
  await throughProxy.$disconnect();
  await proxy.close();
});

const request = (path: string) => new Request(`http://studio.test${path}`);
const params = (value: Record<string, string>) => ({ params: Promise.resolve(value) });

describe("route()", () => {
  const echo = route(
    {
      auth: "public",
      params: z.object({ id: z.string().regex(/^[a-z0-9]{1,30}$/) }),
      query: z.object({ n: z.coerce.number().int() }),
    },
    async ({ params, query }) => Response.json({ id: params.id, n: query.n }),
  );

  it("answers 404 with the one error body for ids that cannot exist, before the handler runs", async () => {
    for (const id of ["\u0000", "%E0%A4%A", "a".repeat(10_240), "../", "%2e%2e", "😀"]) {
      const response = await echo(request("/x?n=1"), params({ id }));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: "not_found", message: "Not found." } });
    }
    expect(await (await echo(request("/x?n=2"), params({ id: "abc" }))).json()).toEqual({ id: "abc", n: 2 });
  });

  it("answers 400 invalid_input when the query does not match", async () => {
    const response = await echo(request("/x?n=many"), params({ id: "abc" }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_input" } });
  });

  it("answers 500 internal, without the error's text, when the handler throws", async () => {
    const broken = route({ auth: "public" }, async () => {
      throw new Error("secret internals");
    });
    const response = await broken(request("/x"));
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body).toMatchObject({ error: { code: "internal" } });
    expect(JSON.stringify(body)).not.toContain("secret");
  });

  it("answers 503 with Retry-After while the database cannot be reached, and works again after", async () => {
    const count = route({ auth: "public" }, async () => Response.json({ users: await throughProxy.user.count() }));
    expect((await count(request("/x"))).status).toBe(200);
    proxy.cut();
    const down = await count(request("/x"));
    expect(down.status).toBe(503);
    expect(Number(down.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await down.json()).toMatchObject({ error: { code: "unavailable" } });
    proxy.restore();
    expect((await count(request("/x"))).status).toBe(200);
  });
});

describe("the share image route", () => {
  it("answers 404 for malformed tokens and indexes without a query", async () => {
    const token = "A".repeat(43);
    for (const value of [
      { token: "\u0000", index: "0" },
      { token: "%E0%A4%A", index: "0" },
      { token: "../".repeat(20), index: "0" },
      { token, index: "%2e%2e" },
      { token, index: "99" },
      { token, index: "1e1" },
    ]) {
      const response = await shareImage(request("/s/x/image/0"), params(value));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: "not_found", message: "Not found." } });
    }
  });
});
