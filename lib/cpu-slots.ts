import { availableParallelism } from "node:os";

// CPU-bound work (sharp encodes and decodes, the demo source's rendering) runs behind one
// process-wide semaphore with a slot per core. Hundreds of generations may be waiting on the image
// model at once; when their answers arrive together, this keeps them from each starting a sharp
// pipeline on 2 cores, so each finishes in turn instead of all finishing late. No `server-only`:
// the worker command loads it under tsx.

export type Semaphore = {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly waiting: number;
  /** Tasks holding a slot now. */
  readonly running: number;
};

export function createSemaphore(slots: number): Semaphore {
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`a semaphore needs at least one slot, got ${slots}`);
  let free = slots;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else free++;
  };
  return {
    get waiting() {
      return queue.length;
    },
    get running() {
      return slots - free;
    },
    async run(task) {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

const globalForCpu = globalThis as unknown as { atelierCpuSlots?: Semaphore };

/** Runs `task` when one of the process's CPU slots (one per core) is free. */
export function withCpuSlot<T>(task: () => Promise<T>): Promise<T> {
  globalForCpu.atelierCpuSlots ??= createSemaphore(availableParallelism());
  return globalForCpu.atelierCpuSlots.run(task);
}
