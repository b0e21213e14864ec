import { z } from "zod";
import { generationEventStream } from "@/lib/generations/events";
import { generationIdsParam } from "@/lib/generations/ids";
import { route, routeError } from "@/lib/route";

// Server-Sent Events: the caller's own generations as they change (lib/generations/events.ts).
// Opened by the studio and history pages only while one of their generations is pending.
export const dynamic = "force-dynamic";

export const GET = route(
  {
    auth: "user",
    query: z.object({ ids: generationIdsParam.default([]) }),
    invalidQueryMessage: "ids must be a comma-separated list of at most 50 generation ids.",
  },
  async ({ query, user, request }) => {
    const stream = await generationEventStream({ userId: user.id, ids: query.ids, signal: request.signal });
    if (!stream) {
      // Not listening (database down, or NOTIFY not delivered): pages poll the status route meanwhile.
      return routeError(503, "unavailable", "Live updates are unavailable; the page checks for changes instead.", {
        "retry-after": "5",
      });
    }
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        // no-transform: compression would hold events back until a buffer fills.
        "cache-control": "no-store, no-transform",
        "x-accel-buffering": "no",
      },
    });
  },
);
