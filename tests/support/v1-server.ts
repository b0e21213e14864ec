import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import OpenAI from "openai";
import { afterAll, beforeAll } from "vitest";
import { GET as balance } from "../../app/v1/balance/route";
import { GET as file } from "../../app/v1/files/[imageId]/route";
import { GET as generation } from "../../app/v1/generations/[id]/route";
import { GET as listGenerations } from "../../app/v1/generations/route";
import { POST as imagesEdits } from "../../app/v1/images/edits/route";
import { POST as imagesGenerations } from "../../app/v1/images/generations/route";
import { createApiKey } from "../../lib/api-keys/keys";
import type { ApiScope } from "../../lib/api-keys/scopes";
import type { Db } from "../../lib/db";
import { startGenerationWorkers } from "../../lib/generations/worker";
import { openTestDb } from "./db";
import { openTestJobs } from "./generations";

// The /v1 route handlers behind a real HTTP server, routed as Next routes them, so that tests can
// point the official `openai` client (or plain fetch) at them. The handlers are the shipped code;
// only Next's router is replaced by the table below.

type Handler = (request: Request, params: Record<string, string>) => Promise<Response>;

const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
  { method: "POST", pattern: /^\/v1\/images\/generations$/, handler: (r) => imagesGenerations(r, noParams()) },
  { method: "POST", pattern: /^\/v1\/images\/edits$/, handler: (r) => imagesEdits(r, noParams()) },
  { method: "GET", pattern: /^\/v1\/generations$/, handler: (r) => listGenerations(r, noParams()) },
  {
    method: "GET",
    pattern: /^\/v1\/generations\/(?<id>[^/]+)$/,
    handler: (r, p) => generation(r, { params: Promise.resolve({ id: p.id ?? "" }) }),
  },
  { method: "GET", pattern: /^\/v1\/balance$/, handler: (r) => balance(r, noParams()) },
  {
    method: "GET",
    pattern: /^\/v1\/files\/(?<imageId>[^/]+)$/,
    handler: (r, p) => file(r, { params: Promise.resolve({ imageId: p.imageId ?? "" }) }),
  },
];

function noParams(): { params: Promise<Record<string, never>> } {
  return { params: Promise.resolve({}) };
}

export async function startV1Server(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const match = route.pattern.exec(url.pathname);
    const params = Object.fromEntries(Object.entries(match?.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
    });
    const response = await route.handler(request, params);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A new API key's secret for the user. */
export async function apiKeyFor(
  database: Db,
  userId: string,
  scopes: ApiScope[] = ["generate", "read"],
): Promise<string> {
  const created = await createApiKey(database, { userId, name: "test", scopes });
  if (!created.ok) throw new Error(created.message);
  return created.secret;
}

/** The official `openai` client pointed at the server, without retries (a test sees every answer). */
export function openaiClient(serverUrl: string, apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${serverUrl}/v1`, maxRetries: 0, timeout: 60_000 });
}

/**
 * A /v1 test file's setup: its own schema and job queue, generation workers, and the handlers behind
 * a server started before the file's tests and closed after them. `server.url` is read in tests.
 */
export async function openV1Test({ max = 20, workers = 2 }: { max?: number; workers?: number } = {}) {
  const testDb = await openTestDb({ max });
  openTestJobs(testDb, { attemptSeconds: 30 });
  let started: { url: string; close: () => Promise<void> } | null = null;
  beforeAll(async () => {
    await startGenerationWorkers({ concurrency: workers });
    started = await startV1Server();
  });
  afterAll(async () => {
    await started?.close();
  });
  const server = {
    get url(): string {
      if (!started) throw new Error("the /v1 server starts before the file's tests");
      return started.url;
    },
  };
  return {
    db: testDb.db,
    server,
    keyFor: (userId: string, scopes?: ApiScope[]) => apiKeyFor(testDb.db, userId, scopes),
    client: (apiKey: string) => openaiClient(server.url, apiKey),
  };
}
