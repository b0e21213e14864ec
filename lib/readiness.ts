import type { Db } from "@/lib/db";
import { jobs, QUEUES } from "@/lib/jobs";
import { log } from "@/lib/log";
import { isDraining } from "@/lib/shutdown";
import type { ObjectStore } from "@/lib/storage/types";

// Readiness (GET /api/ready): can this process do its work right now? /api/health stays liveness
// (the process answers). A load balancer sends traffic only to ready processes; an orchestrator
// restarts only dead ones.

export type Check = { ok: true; ms: number } | { ok: false; ms: number; error: string };
export type Readiness = {
  ready: boolean;
  draining: boolean;
  checks: { database: Check; queue: Check; storage: Check };
};

const CHECK_TIMEOUT_MS = 3_000;
/** Never written: reading a missing key proves the store answers with our credentials. */
const PROBE_KEY = "readiness-probe/none";

async function timed(name: string, fn: () => Promise<unknown>): Promise<Check> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ms: Date.now() - started };
  } catch (error) {
    log.warn("ready: check failed", { check: name, err: error });
    // Only a short, generic reason goes out: the response is public.
    return { ok: false, ms: Date.now() - started, error: error instanceof Error ? error.name : "error" };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(deps: { database: Db; store: ObjectStore }): Promise<Readiness> {
  const [database, queue, storage] = await Promise.all([
    timed("database", () => deps.database.$queryRaw`SELECT 1`),
    timed("queue", async () => {
      const boss = await jobs();
      if (!(await boss.getQueue(QUEUES.generate))) throw new Error(`queue ${QUEUES.generate} is missing`);
    }),
    timed("storage", () => deps.store.get(PROBE_KEY)),
  ]);
  const draining = isDraining();
  return { ready: !draining && database.ok && queue.ok && storage.ok, draining, checks: { database, queue, storage } };
}
