import { z } from "zod";
import { type GenerationView, generationViewSchema } from "@/lib/generations/view";

// How a page follows its pending generations: the event stream (GET /api/generations/events,
// pushed from PostgreSQL NOTIFY) while it is up; polling GET /api/generations/status only while
// the stream is down, reopening the stream with backoff. The caller starts a watch only while
// something is pending and stops it after, so an idle tab makes no requests at all.

/** Polling interval while the stream is down (a finished generation shows within ~0.5 s). */
const POLL_INTERVAL_MS = 500;
/** Reopening the stream after it failed: 1 s, 2 s, 4 s … up to 15 s. */
const STREAM_RETRY_MS = { first: 1000, max: 15_000 };
/** Polling backs off too while the studio is unreachable (up to 5 s), so an outage is not hammered. */
const POLL_BACKOFF_MAX_MS = 5000;

/** The body of the status route and of each stream event. */
// Parsed with the server's own view schema: one definition of a generation on both sides.
const updateSchema = z.object({ generations: z.array(generationViewSchema), balance: z.number() });
export type GenerationsUpdate = { generations: GenerationView[]; balance: number };

/**
 * - `live`: the stream is open;
 * - `polling`: the stream is down, the status route answers;
 * - `unreachable`: neither answers (a database outage: 503, or the network): cards say the studio
 *   is reconnecting and keep their state;
 * - `signed_out`: the status route answered 401, the session has ended: the watch stops (asking
 *   again cannot help) and the page says to sign in again.
 */
export type LiveConnection = "live" | "polling" | "unreachable" | "signed_out";

export function watchGenerations({
  ids,
  onUpdate,
  onConnection,
}: {
  /** The pending generations the page shows (at most 50). */
  ids: string[];
  onUpdate: (update: GenerationsUpdate) => void;
  onConnection: (connection: LiveConnection) => void;
}): () => void {
  const query = encodeURIComponent(ids.join(","));
  let stopped = false;
  let source: EventSource | null = null;
  let streamTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let polling = false;
  let streamFailures = 0;
  let pollFailures = 0;

  const apply = (data: unknown) => {
    const parsed = updateSchema.safeParse(data);
    if (parsed.success && !stopped) onUpdate(parsed.data);
  };

  const openStream = () => {
    if (stopped) return;
    const stream = new EventSource(`/api/generations/events?ids=${query}`);
    source = stream;
    stream.addEventListener("open", () => {
      if (stopped) return;
      streamFailures = 0;
      stopPolling();
      onConnection("live");
    });
    stream.addEventListener("generations", (event) => {
      try {
        apply(JSON.parse((event as MessageEvent<string>).data));
      } catch {
        // A malformed event is skipped; the next one carries the full state again.
      }
    });
    stream.addEventListener("error", () => {
      // Refused (503, 401), dropped, or ended by the server: EventSource's own retry cannot tell
      // them apart nor back off, so the page takes over.
      stream.close();
      if (source === stream) source = null;
      if (stopped) return;
      streamFailures += 1;
      startPolling();
      const delay = Math.min(STREAM_RETRY_MS.max, STREAM_RETRY_MS.first * 2 ** (streamFailures - 1));
      streamTimer = setTimeout(openStream, delay * (0.75 + Math.random() * 0.5));
    });
  };

  const poll = async () => {
    if (stopped || !polling) return;
    let ok = false;
    try {
      const response = await fetch(`/api/generations/status?ids=${query}`, { cache: "no-store" });
      if (response.status === 401 && !stopped) {
        stop();
        onConnection("signed_out");
        return;
      }
      // A poll that returns after the stream took over is older than what the stream sent: dropped.
      if (response.ok && polling) {
        apply(await response.json());
        ok = true;
      }
    } catch {
      // The network is down: counted as unreachable below.
    }
    if (stopped || !polling) return;
    pollFailures = ok ? 0 : pollFailures + 1;
    onConnection(ok ? "polling" : "unreachable");
    const delay = Math.min(POLL_BACKOFF_MAX_MS, POLL_INTERVAL_MS * 2 ** pollFailures);
    pollTimer = setTimeout(poll, delay);
  };
  const startPolling = () => {
    if (polling) return;
    polling = true;
    // At once: whatever changed while the stream was down is caught up now.
    void poll();
  };
  const stopPolling = () => {
    polling = false;
    pollFailures = 0;
    clearTimeout(pollTimer);
  };

  const stop = () => {
    stopped = true;
    source?.close();
    source = null;
    clearTimeout(streamTimer);
    stopPolling();
  };

  openStream();
  return stop;
}
