import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";

// The event stream (GET /api/generations/events) against a real second process: a worker process
// claims and settles, and this process's stream, fed by its one LISTEN connection, receives it.
// The route runs for real; only the session lookup (Auth.js reading a cookie) is replaced by "who
// is signed in" for the test.

const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth", () => ({ currentUser: async () => session.user }));

const { openTestUpstream } = await import("../support/upstream-env");
await openTestUpstream();

const { GET } = await import("../../app/api/generations/events/route");
const { submitGeneration } = await import("../../lib/generations/submit");
const { configureGenerationListener, generationListenerState, stopGenerationListener } = await import(
  "../../lib/generations/listener"
);
const { createUser, openTestDb } = await import("../support/db");
const { newKey, openTestJobs } = await import("../support/generations");
const { readSse } = await import("../support/sse");
const { workerProcesses } = await import("../support/worker-process");

const testDb = await openTestDb();
const { db } = testDb;
openTestJobs(testDb);
configureGenerationListener({ connectionString: testDb.url });
afterAll(() => stopGenerationListener());

const workers = workerProcesses(testDb);
const startWorker = workers.start;
const stopWorker = workers.stop;

type Message = { generations: { id: string; status: string; images: unknown[] }[]; balance: number };
const parse = (data: string) => JSON.parse(data) as Message;
const has = (id: string, status?: string) => (event: { event: string; data: string }) =>
  event.event === "generations" &&
  parse(event.data).generations.some((g) => g.id === id && (!status || g.status === status));

async function openStream(user: { id: string; email: string | null }, ids: string[]) {
  session.user = { id: user.id, email: user.email ?? "" };
  const controller = new AbortController();
  const response = await GET(
    new Request(`http://studio.test/api/generations/events?ids=${ids.join(",")}`, { signal: controller.signal }),
  );
  return { response, controller };
}

async function submit(userId: string, prompt: string) {
  const submitted = await submitGeneration({
    userId,
    input: { prompt, sizePreset: "square", numImages: 1 },
    idempotencyKey: newKey(),
  });
  if (!submitted.ok) throw new Error(submitted.message);
  return submitted.generation.id;
}

describe("the generation event stream", () => {
  it("delivers what another process settles, and only the caller's own generations", async () => {
    const alice = await createUser(db, { credits: 40 });
    const bob = await createUser(db, { credits: 40 });
    // Queued while no worker runs anywhere: nothing can settle them before the streams exist.
    const aliceId = await submit(alice.id, "a lighthouse at dusk");
    const bobId = await submit(bob.id, "[[slow:1500]] a harbour at night");

    const aliceStream = await openStream(alice, [aliceId]);
    expect(aliceStream.response.status).toBe(200);
    expect(aliceStream.response.headers.get("content-type")).toContain("text/event-stream");
    const aliceEvents = readSse(aliceStream.response);
    // Bob asks about Alice's generation too: the stream reads through his own scope, so it says nothing of it.
    const bobStream = await openStream(bob, [bobId, aliceId]);
    const bobEvents = readSse(bobStream.response);
    // Each starts with the state of what it asked about.
    await aliceEvents.next(has(aliceId, "QUEUED"));
    await bobEvents.next(has(bobId, "QUEUED"));

    const worker = await startWorker();
    // Alice's settles first (Bob's upstream call is slowed): every change reached this process by NOTIFY.
    await aliceEvents.next(has(aliceId, "RUNNING"));
    const done = parse((await aliceEvents.next(has(aliceId, "COMPLETED"))).data);
    expect(done.generations.find((g) => g.id === aliceId)?.images).toHaveLength(1);
    expect(done.balance).toBe(36);
    await bobEvents.next(has(bobId, "COMPLETED"));

    const mentions = (events: { data: string }[], id: string) => events.filter((e) => e.data.includes(id));
    expect(mentions(bobEvents.received, aliceId)).toEqual([]);
    expect(mentions(aliceEvents.received, bobId)).toEqual([]);
    expect(bobEvents.received.every((e) => parse(e.data).balance === 36)).toBe(true);

    aliceStream.controller.abort();
    bobStream.controller.abort();
    await Promise.all([aliceEvents.ended, bobEvents.ended]);
    expect(generationListenerState().streams).toBe(0);
    await stopWorker(worker);
  });

  it("refuses a signed-out caller and bad ids", async () => {
    session.user = null;
    expect((await GET(new Request("http://studio.test/api/generations/events?ids=abcdefghijkl"))).status).toBe(401);
    const user = await createUser(db);
    session.user = { id: user.id, email: user.email ?? "" };
    expect((await GET(new Request("http://studio.test/api/generations/events?ids=NOT-AN-ID"))).status).toBe(400);
  });

  it("ends its streams when the LISTEN connection drops, and listens again for the next stream", async () => {
    const user = await createUser(db, { credits: 40 });
    const first = await openStream(user, []);
    const firstEvents = readSse(first.response);
    const pid = generationListenerState().backendPid;
    expect(pid).not.toBeNull();

    const admin = new pg.Client({ connectionString: testDb.url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await admin.end();
    // The page's EventSource sees the end and falls back to polling.
    await firstEvents.ended;

    // Changes made while nobody listened are not lost: the next stream starts by reading them.
    const id = await submit(user.id, "a kite over the sea");
    const worker = await startWorker();
    const second = await openStream(user, [id]);
    expect(second.response.status).toBe(200);
    expect(generationListenerState().backendPid).not.toBe(pid);
    const secondEvents = readSse(second.response);
    await secondEvents.next(has(id, "COMPLETED"));
    second.controller.abort();
    await stopWorker(worker);
  });

  it("answers 503 while the database cannot be listened on, and streams again once it can", async () => {
    const user = await createUser(db);
    await stopGenerationListener();
    configureGenerationListener({ connectionString: "postgresql://postgres@127.0.0.1:1/nowhere" });
    const refused = await openStream(user, []);
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get("retry-after")).toBe("5");

    configureGenerationListener({ connectionString: testDb.url });
    const back = await openStream(user, []);
    expect(back.response.status).toBe(200);
    back.controller.abort();
  });
});
