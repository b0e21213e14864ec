import type PgBoss from "pg-boss";
import { log } from "@/lib/log";

// Runs up to `capacity` jobs of one queue at once from a single polling loop. pg-boss 10's work()
// gives one poller per concurrent job, each querying the queue every second: fine for 16, not for
// the 200 generations a process should keep in flight while they wait on the image model. Here
// one loop fetches as many jobs as there are free slots, starts each without awaiting it, and
// fetches again when a job finishes, when woken (a submit in this process), or at the next poll.
// A job in flight holds no database connection while it waits on the model (lib/generations/run.ts).

export type Dispatcher = {
  /** Look for jobs now instead of at the next poll. */
  wake(): void;
  /** Stops fetching; resolves when the running jobs have finished or `timeoutMs` has passed. */
  stop(timeoutMs: number): Promise<void>;
  readonly running: number;
};

export type DispatcherOptions = {
  queue: string;
  capacity: number;
  pollIntervalMs: number;
  handle: (job: PgBoss.JobWithMetadata<unknown>) => Promise<void>;
};

export function startDispatcher(boss: PgBoss, options: DispatcherOptions): Dispatcher {
  let running = 0;
  let stopped = false;
  let woken = false;
  let wakeSleeper: (() => void) | null = null;
  const drained = new Set<() => void>();

  const wake = () => {
    woken = true;
    wakeSleeper?.();
  };

  const nap = () =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(done, options.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        wakeSleeper = null;
        resolve();
      }
      wakeSleeper = done;
    });

  async function runOne(job: PgBoss.JobWithMetadata<unknown>) {
    try {
      await options.handle(job);
      await boss.complete(options.queue, job.id);
    } catch (error) {
      // Failing the job hands it to pg-boss's retry (limit, backoff) exactly as work() would.
      const message = error instanceof Error ? error.message : String(error);
      await boss
        .fail(options.queue, job.id, { message })
        .catch((failError: unknown) => log.error("jobs: could not fail job", { jobId: job.id, err: failError }));
    } finally {
      running--;
      wake();
      if (running === 0) for (const resolve of drained) resolve();
    }
  }

  void (async () => {
    while (!stopped) {
      woken = false;
      const free = options.capacity - running;
      if (free > 0) {
        try {
          const batch = await boss.fetch<unknown>(options.queue, { batchSize: free, includeMetadata: true });
          for (const job of batch) {
            running++;
            void runOne(job);
          }
        } catch (error) {
          if (!stopped) log.error("jobs: fetching jobs failed", { queue: options.queue, err: error });
        }
      }
      await nap();
    }
  })();

  return {
    wake,
    get running() {
      return running;
    },
    async stop(timeoutMs) {
      stopped = true;
      wakeSleeper?.();
      if (running === 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, timeoutMs);
        function finish() {
          clearTimeout(timer);
          drained.delete(finish);
          resolve();
        }
        drained.add(finish);
      });
    },
  };
}
