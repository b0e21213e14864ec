import "server-only";
import { subscribeToGenerationChanges } from "@/lib/generations/listener";
import { generationsUpdate } from "@/lib/generations/queries";
import { log } from "@/lib/log";

// The body of GET /api/generations/events: a Server-Sent Events stream of one user's generations.
// It starts with the current state of the generations the page asked about (anything that changed
// before the stream existed), then sends the state of each generation of this user that changes,
// read again through the owner-scoped query (a NOTIFY carries ids only). Every message is
// `event: generations` with `{ generations, balance }`, the body of the status route.
//
// The streams of one user in this process (several tabs, or a page reopening its stream) share one
// feed: one subscription to the listener and ONE read per change, sent to all of them, instead of
// a read per stream. The feed's reads run one at a time, each starting after the one before has
// ended, so every stream receives states in the order they were committed, never an older one
// after a newer one.

/** A comment line now and then keeps proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 20_000;

const encoder = new TextEncoder();

type Stream = {
  /** Ids this stream asked about that no read has covered yet. */
  asked: Set<string>;
  send: (text: string) => void;
  close: () => void;
};

type Feed = {
  streams: Set<Stream>;
  /** Ids whose change has been notified since the last read started. */
  changed: Set<string>;
  reading: boolean;
  /** Resolves once the listener delivers this user's changes; rejects when it cannot. */
  ready: Promise<void>;
  unsubscribe: () => void;
};

const globalForFeeds = globalThis as unknown as { atelierGenerationFeeds?: Map<string, Feed> };

function feeds(): Map<string, Feed> {
  globalForFeeds.atelierGenerationFeeds ??= new Map();
  return globalForFeeds.atelierGenerationFeeds;
}

/** This user's feed, subscribing to the listener when it is the first stream of the user here. */
function feedOf(userId: string): Feed {
  const existing = feeds().get(userId);
  if (existing) return existing;
  const feed: Feed = {
    streams: new Set(),
    changed: new Set(),
    reading: false,
    ready: Promise.resolve(),
    unsubscribe: () => undefined,
  };
  feeds().set(userId, feed);
  feed.ready = subscribeToGenerationChanges(userId, {
    onChange: (generationId) => {
      feed.changed.add(generationId);
      void pump(userId, feed);
    },
    // Changes may have been missed: every stream ends, and its page polls and reopens it.
    onLost: () => endFeed(userId, feed),
  }).then(
    (unsubscribe) => {
      feed.unsubscribe = unsubscribe;
      // Every stream of the feed may have gone while it was subscribing.
      if (feed.streams.size === 0) endFeed(userId, feed);
    },
    (error: unknown) => {
      if (feeds().get(userId) === feed) feeds().delete(userId);
      throw error;
    },
  );
  return feed;
}

function endFeed(userId: string, feed: Feed) {
  if (feeds().get(userId) === feed) feeds().delete(userId);
  feed.unsubscribe();
  for (const stream of [...feed.streams]) stream.close();
}

/** Reads what changed and what new streams asked about, one read at a time, and sends it to every stream. */
async function pump(userId: string, feed: Feed) {
  if (feed.reading) return;
  feed.reading = true;
  try {
    for (;;) {
      const ids = new Set(feed.changed);
      for (const stream of feed.streams) for (const id of stream.asked) ids.add(id);
      if (ids.size === 0) break;
      feed.changed.clear();
      const recipients = [...feed.streams];
      for (const stream of recipients) stream.asked.clear();
      const update = await generationsUpdate({ userId, ids: [...ids] });
      if (update.generations.length === 0) continue;
      const message = `event: generations\ndata: ${JSON.stringify(update)}\n\n`;
      for (const stream of recipients) stream.send(message);
    }
  } catch (error) {
    // The database went away mid-stream: end the streams, the pages poll (and show they are reconnecting).
    log.warn("live: a stream could not read its generations; ending it", { err: error });
    endFeed(userId, feed);
  } finally {
    feed.reading = false;
  }
}

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
  // What the feed sent before the response body existed (it may read while this stream subscribes).
  const early: string[] = [];
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const feed = feedOf(userId);

  const stream: Stream = {
    asked: new Set(ids),
    send: (text) => {
      if (closed) return;
      if (!controller) {
        early.push(text);
        return;
      }
      try {
        controller.enqueue(encoder.encode(text));
      } catch {
        stream.close();
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      signal.removeEventListener("abort", stream.close);
      feed.streams.delete(stream);
      if (feed.streams.size === 0) endFeed(userId, feed);
      try {
        controller?.close();
      } catch {
        // Already closed by the client.
      }
    },
  };
  // Joined before the subscription is ready: a feed that has just lost its last stream is not ended under it.
  feed.streams.add(stream);

  try {
    await feed.ready;
  } catch (error) {
    feed.streams.delete(stream);
    log.warn("live: cannot listen for generation changes", { err: error });
    return null;
  }
  if (signal.aborted || closed) {
    stream.close();
    return null;
  }
  signal.addEventListener("abort", stream.close);

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // Tells EventSource how long to wait before its own reconnect (the page manages its own).
      stream.send("retry: 2000\n\n");
      for (const text of early.splice(0)) stream.send(text);
      heartbeat = setInterval(() => stream.send(": keepalive\n\n"), HEARTBEAT_MS);
      void pump(userId, feed);
    },
    cancel: stream.close,
  });
}
