import "server-only";
import { getAccountSummary } from "@/lib/account";
import { subscribeToGenerationChanges } from "@/lib/generations/listener";
import { generationViews } from "@/lib/generations/queries";
import { log } from "@/lib/log";

// The body of GET /api/generations/events: a Server-Sent Events stream of one user's generations.
// It starts with the current state of the generations the page asked about (anything that changed
// before the stream existed), then sends the state of each generation of this user that changes,
// read again through the owner-scoped query (a NOTIFY carries ids only). Every message is
// `event: generations` with `{ generations, balance }`, the body of the status route.

/** A comment line now and then keeps proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 20_000;

const encoder = new TextEncoder();

/**
 * The stream, or null when the database cannot be listened on (the route answers 503 and the page
 * polls). `signal` ends it (the client went away).
 */
export async function generationEventStream({
  userId,
  ids,
  signal,
}: {
  userId: string;
  ids: string[];
  signal: AbortSignal;
}): Promise<ReadableStream<Uint8Array> | null> {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let closed = false;
  // Changed ids wait here while a read is under way: a burst of changes costs one read, not one each.
  const dirty = new Set<string>(ids);
  let reading = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let unsubscribe: () => void = () => undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    signal.removeEventListener("abort", close);
    try {
      controller?.close();
    } catch {
      // Already closed by the client.
    }
  };
  const send = (text: string) => {
    if (closed || !controller) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  const flush = async () => {
    if (reading) return;
    reading = true;
    try {
      while (dirty.size > 0 && !closed) {
        const batch = [...dirty];
        dirty.clear();
        const [generations, account] = await Promise.all([
          generationViews({ userId, ids: batch }),
          getAccountSummary({ userId }),
        ]);
        if (generations.length > 0) {
          send(`event: generations\ndata: ${JSON.stringify({ generations, balance: account.creditBalance })}\n\n`);
        }
      }
    } catch (error) {
      // The database went away mid-stream: end it, the page polls (and shows it is reconnecting).
      log.warn("live: a stream could not read its generations; ending it", { err: error });
      close();
    } finally {
      reading = false;
    }
  };

  try {
    unsubscribe = await subscribeToGenerationChanges(userId, {
      onChange: (generationId) => {
        dirty.add(generationId);
        void flush();
      },
      onLost: close,
    });
  } catch (error) {
    log.warn("live: cannot listen for generation changes", { err: error });
    return null;
  }
  if (signal.aborted) {
    unsubscribe();
    return null;
  }
  signal.addEventListener("abort", close);

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // Tells EventSource how long to wait before its own reconnect (the page manages its own).
      send("retry: 2000\n\n");
      heartbeat = setInterval(() => send(": keepalive\n\n"), HEARTBEAT_MS);
      void flush();
    },
    cancel: close,
  });
}
