// Reads a Server-Sent Events response as a test (or the benchmark) would see it in a browser:
// each complete event as { event, data }, in order, with a way to wait for the next one that matches.

export type SseEvent = { event: string; data: string };

export type SseReader = {
  /** Every event received so far. */
  readonly received: SseEvent[];
  /** The first event (already received or still to come) that matches; rejects when the stream ends first. */
  next: (matches: (event: SseEvent) => boolean, timeoutMs?: number) => Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close: () => Promise<void>;
};

export function readSse(response: Response): SseReader {
  const body = response.body;
  if (!body) throw new Error("the response has no body");
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const received: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  let buffer = "";

  const ended = (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
          }
          if (data.length > 0) received.push({ event, data: data.join("\n") });
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // Cancelled by close().
    } finally {
      done = true;
      for (const wake of waiters) wake();
    }
  })();

  const next = (matches: (event: SseEvent) => boolean, timeoutMs = 30_000) =>
    new Promise<SseEvent>((resolve, reject) => {
      let from = 0;
      const check = () => {
        for (; from < received.length; from++) {
          const event = received[from];
          if (event && matches(event)) {
            finish();
            resolve(event);
            return;
          }
        }
        if (done) {
          finish();
          reject(new Error(`the stream ended without the event (received: ${JSON.stringify(received)})`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no matching event within ${timeoutMs} ms (received: ${JSON.stringify(received)})`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    received,
    next,
    ended,
    close: async () => {
      await reader.cancel().catch(() => undefined);
      await ended;
    },
  };
}
