import "server-only";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { z } from "zod";
import { env } from "@/lib/env";
import { GENERATION_CHANNEL, generationNoticeSchema } from "@/lib/generations/notify";
import { log } from "@/lib/log";

// One LISTEN connection per web process, fanned out to that process's event streams by user.
// Streams hold no database connection of their own: 200 open tabs cost one connection, not 200.
//
// When the connection drops, NOTIFYs sent meanwhile are lost, so every stream is told
// (`onLost`) and ends: its page falls back to polling and reopens the stream later, and a new
// stream starts from a fresh read. The listener reconnects with backoff while streams want it,
// and on demand when a stream opens.

export type ChangeSubscriber = {
  /** One of this user's generations changed (committed). */
  onChange: (generationId: string) => void;
  /** The listener lost its connection: changes may have been missed. */
  onLost: () => void;
};

type Runtime = {
  connectionString: string | null;
  client: pg.Client | null;
  connecting: Promise<pg.Client> | null;
  backendPid: number | null;
  subscribers: Map<string, Set<ChangeSubscriber>>;
  reconnectTimer: ReturnType<typeof setTimeout> | null;
  failures: number;
  /**
   * Until then streams are refused without trying: the server took LISTEN but did not deliver
   * another connection's NOTIFY (a pooler in transaction mode), or not in time (a server too busy: tried again later).
   */
  undeliverableUntil: number;
};

const PROBE_TIMEOUT_MS = 3000;
const UNDELIVERABLE_RETRY_MS = 60_000;
const UNDELIVERABLE = "this database does not deliver NOTIFY between connections: pages poll instead";
const probeSchema = z.object({ probe: z.string() });

const globalForListener = globalThis as unknown as { atelierGenerationListener?: Runtime };

function runtime(): Runtime {
  globalForListener.atelierGenerationListener ??= {
    connectionString: null,
    client: null,
    connecting: null,
    backendPid: null,
    subscribers: new Map(),
    reconnectTimer: null,
    failures: 0,
    undeliverableUntil: 0,
  };
  return globalForListener.atelierGenerationListener;
}

/** Points this process's listener at a database (tests, benchmarks); otherwise DATABASE_URL. */
export function configureGenerationListener({ connectionString }: { connectionString: string }): void {
  const rt = runtime();
  rt.connectionString = connectionString;
  rt.undeliverableUntil = 0;
}

/**
 * Calls `subscriber` for each committed change to one of `userId`'s generations, from any process.
 * Resolves once the listener is connected (so no change committed after it resolves is missed);
 * rejects when the database cannot be reached. Returns the unsubscribe function.
 */
export async function subscribeToGenerationChanges(userId: string, subscriber: ChangeSubscriber): Promise<() => void> {
  await connected();
  const rt = runtime();
  let set = rt.subscribers.get(userId);
  if (!set) {
    set = new Set();
    rt.subscribers.set(userId, set);
  }
  set.add(subscriber);
  return () => {
    const current = rt.subscribers.get(userId);
    current?.delete(subscriber);
    if (current?.size === 0) rt.subscribers.delete(userId);
  };
}

/** For health checks and tests: whether the LISTEN connection is up, and its server process id. */
export function generationListenerState(): { connected: boolean; backendPid: number | null; streams: number } {
  const rt = runtime();
  let streams = 0;
  for (const set of rt.subscribers.values()) streams += set.size;
  return { connected: rt.client !== null, backendPid: rt.backendPid, streams };
}

/** Closes the LISTEN connection (tests, shutdown). Subscribers are told, as on a drop. */
export async function stopGenerationListener(): Promise<void> {
  const rt = runtime();
  if (rt.reconnectTimer) clearTimeout(rt.reconnectTimer);
  rt.reconnectTimer = null;
  const client = rt.client ?? (await rt.connecting?.catch(() => null)) ?? null;
  rt.client = null;
  rt.connecting = null;
  loseSubscribers(rt);
  await client?.end().catch(() => undefined);
}

function connected(): Promise<pg.Client> {
  const rt = runtime();
  if (rt.client) return Promise.resolve(rt.client);
  if (Date.now() < rt.undeliverableUntil) return Promise.reject(new Error(UNDELIVERABLE));
  rt.connecting ??= connect(rt).finally(() => {
    rt.connecting = null;
  });
  return rt.connecting;
}

async function connect(rt: Runtime): Promise<pg.Client> {
  const connectionString = rt.connectionString ?? env().DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set: live updates listen on the database.");
  const client = new pg.Client({
    connectionString,
    application_name: "atelier-live",
    // A peer that vanished without closing the socket is noticed by TCP keepalive, not by silence.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: 5_000,
  });
  // Errors before `connect` resolves reject it; afterwards they mean the connection is gone.
  client.on("error", () => dropped(rt, client));
  client.on("end", () => dropped(rt, client));
  let probeReceived: (probe: string) => void = () => undefined;
  client.on("notification", (message) => {
    if (message.channel !== GENERATION_CHANNEL || !message.payload) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.payload);
    } catch {
      return;
    }
    const probe = probeSchema.safeParse(parsed);
    if (probe.success) return probeReceived(probe.data.probe);
    const notice = generationNoticeSchema.safeParse(parsed);
    if (!notice.success) return;
    for (const subscriber of rt.subscribers.get(notice.data.userId) ?? [])
      subscriber.onChange(notice.data.generationId);
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${GENERATION_CHANNEL}`);
    const pid = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    rt.backendPid = pid.rows[0]?.pid ?? null;
    // Proves delivery from another connection, as a worker's NOTIFY would come. A server that
    // accepts LISTEN without delivering (DATABASE_URL pointing at PgBouncer in transaction mode) would
    // leave streams silent forever; pages poll instead.
    const probe = randomUUID();
    const delivered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      probeReceived = (received) => {
        if (received !== probe) return;
        clearTimeout(timer);
        resolve(true);
      };
    });
    const sender = new pg.Client({
      connectionString,
      application_name: "atelier-live",
      connectionTimeoutMillis: 5_000,
    });
    await sender.connect();
    try {
      await sender.query("SELECT pg_notify($1, $2)", [GENERATION_CHANNEL, JSON.stringify({ probe })]);
    } finally {
      await sender.end().catch(() => undefined);
    }
    if (!(await delivered)) {
      rt.undeliverableUntil = Date.now() + UNDELIVERABLE_RETRY_MS;
      throw new Error(UNDELIVERABLE);
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  rt.client = client;
  rt.failures = 0;
  return client;
}

function dropped(rt: Runtime, client: pg.Client) {
  if (rt.client !== client) return;
  rt.client = null;
  rt.backendPid = null;
  client.end().catch(() => undefined);
  log.warn("live: the LISTEN connection dropped; open streams end and pages poll until it is back");
  loseSubscribers(rt);
  scheduleReconnect(rt);
}

function loseSubscribers(rt: Runtime) {
  const all = [...rt.subscribers.values()].flatMap((set) => [...set]);
  rt.subscribers.clear();
  for (const subscriber of all) subscriber.onLost();
}

/** Reconnects in the background (1 s, 2 s, 4 s … 30 s), so the next stream finds it ready. */
function scheduleReconnect(rt: Runtime) {
  if (rt.reconnectTimer) return;
  const delay = Math.min(30_000, 1000 * 2 ** rt.failures);
  rt.reconnectTimer = setTimeout(() => {
    rt.reconnectTimer = null;
    if (rt.client) return;
    connected().catch(() => {
      rt.failures += 1;
      scheduleReconnect(rt);
    });
  }, delay);
  rt.reconnectTimer.unref?.();
}
