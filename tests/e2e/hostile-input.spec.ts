// Hostile ids and bodies against the production build: every dynamic page and route answers
// 4xx (404 for an id that cannot exist), never 5xx, signed in or not.
import http from "node:http";
import { FULL_PORT } from "./support/constants";
import { expect, test } from "./support/fixtures";
import { StudioPage } from "./support/studio-page";

// Many requests against a production build on a shared machine: more than the default minute.
test.describe.configure({ timeout: 180_000 });

/** Sent byte for byte: fetch and Playwright would normalise `../` and re-encode the path. */
function rawRequest(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "localhost",
        port: FULL_PORT,
        path,
        method: options.method ?? "GET",
        // A length, as browsers send with every action: without one Node would send it chunked.
        headers: {
          ...(options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const HOSTILE_IDS = {
  nul: "%00",
  "broken percent-encoding": "%E0%A4%A",
  "10 kB": "a".repeat(10 * 1024),
  "dot-dot slash": "../",
  "encoded dot-dot": "%2e%2e",
  "encoded dot-dot slash": "..%2F..%2Fetc%2Fpasswd",
  emoji: "%F0%9F%98%80",
};

const SHARE_TOKEN = "A".repeat(43);
const PATHS = (id: string) => [
  `/history/${id}`,
  `/api/images/${id}`,
  `/api/images/${id}?download=1&variant=thumb`,
  `/api/references/${id}`,
  `/api/references/${id}?variant=thumb`,
  `/studio?reference=${id}`,
  `/history/download?ids=${id}`,
  `/s/${id}`,
  `/s/${id}/image/0`,
  `/s/${SHARE_TOKEN}/image/${id}`,
  `/api/generations/status?ids=${id}`,
];

async function cookieHeader(page: import("@playwright/test").Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

test("hostile ids on every dynamic page and route: 4xx, never 5xx, signed in and out", async ({ page, signIn }) => {
  await signIn();
  const cookie = await cookieHeader(page);
  const failures: string[] = [];
  for (const [name, id] of Object.entries(HOSTILE_IDS)) {
    for (const path of PATHS(id)) {
      for (const headers of [{ cookie }, {} as Record<string, string>]) {
        const res = await rawRequest(path, { headers });
        if (res.status >= 500 || res.status < 200) failures.push(`${name}: ${path.slice(0, 80)} -> ${res.status}`);
      }
    }
  }
  expect(failures).toEqual([]);
});

test("a malformed id answers 404 with the one error body, before any query", async ({ page, signIn }) => {
  await signIn();
  const cookie = await cookieHeader(page);
  for (const path of ["/api/images/%00", "/api/images/%E0%A4%A", `/api/images/${"a".repeat(10_240)}`]) {
    const res = await rawRequest(path, { headers: { cookie } });
    expect(res.status, path.slice(0, 40)).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { code: "not_found", message: "Not found." } });
  }
  const detail = await rawRequest("/history/%00", { headers: { cookie } });
  expect(detail.status).toBe(404);
  const share = await rawRequest("/s/%E0%A4%A");
  expect(share.status).toBe(404);
});

test("server actions sent a 2 MB or garbage body answer 4xx, never 5xx", async ({ page, signIn }) => {
  await signIn();
  // A real action id, from the studio's own Generate call.
  const [generate] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined),
    new StudioPage(page).generate({ prompt: "A teapot, for its action id" }),
  ]);
  const actionId = generate.headers()["next-action"] ?? "";
  expect(actionId).toMatch(/^[0-9a-f]{40,}$/);
  const headers = {
    cookie: await cookieHeader(page),
    "next-action": actionId,
    origin: `http://localhost:${FULL_PORT}`,
  };
  const twoMegabytes = Buffer.alloc(2 * 1024 * 1024, "a");
  const boundary = "----atelier";
  const multipart = (field: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n--${boundary}--\r\n`;

  const cases: [string, { headers: Record<string, string>; body: Buffer | string }, number][] = [
    ["2 MB text", { headers: { ...headers, "content-type": "text/plain;charset=UTF-8" }, body: twoMegabytes }, 413],
    [
      "2 MB multipart",
      {
        headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
        body: multipart("0", twoMegabytes.toString()),
      },
      413,
    ],
    [
      "2 MB form post without an action header",
      {
        headers: { cookie: headers.cookie, "content-type": `multipart/form-data; boundary=${boundary}` },
        body: multipart("$ACTION_ID_x", twoMegabytes.toString()),
      },
      413,
    ],
    ["garbage text", { headers: { ...headers, "content-type": "text/plain" }, body: "\u0000{not flight" }, 400],
    ["a JSON non-array", { headers: { ...headers, "content-type": "text/plain" }, body: "1" }, 400],
    [
      "garbage multipart",
      { headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` }, body: "--x\r\n\u0000" },
      400,
    ],
    [
      "multipart without arguments",
      {
        headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}` },
        body: multipart("1_prompt", "x"),
      },
      400,
    ],
    [
      "an unknown action id",
      { headers: { ...headers, "next-action": "zz", "content-type": "text/plain" }, body: "[]" },
      404,
    ],
  ];
  for (const [name, options, expected] of cases) {
    const res = await rawRequest("/studio", { method: "POST", ...options });
    expect(res.status, name).toBe(expected);
    expect(JSON.parse(res.body), name).toMatchObject({ error: { code: expect.any(String) } });
  }
});
