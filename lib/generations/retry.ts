import { sleep } from "@/lib/upstream/sleep";

// Retries inside one attempt of a generation, for failures that pass (a storage hiccup, a database
// restart): doubling waits with jitter, stopped by the attempt's own time limit.

export type RetryPolicy = {
  /** Tries in all, the first included. */
  tries: number;
  /** Wait before the first retry; it doubles each time. */
  baseMs: number;
};

export const STORAGE_RETRY: RetryPolicy = { tries: 5, baseMs: 250 };

export async function withRetries<T>(task: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= policy.tries || signal?.aborted) throw error;
      const step = policy.baseMs * 2 ** (attempt - 1);
      await sleep(step / 2 + Math.random() * (step / 2), signal).catch(() => {
        throw error;
      });
    }
  }
}
