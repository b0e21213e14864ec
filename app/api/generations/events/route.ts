import { currentUser } from "@/lib/auth";
import { generationEventStream } from "@/lib/generations/events";
import { generationIdsParam } from "@/lib/generations/ids";

// Server-Sent Events: the caller's own generations as they change (lib/generations/events.ts).
// Opened by the studio and history pages only while one of their generations is pending.
export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "unauthenticated" }, { status: 401, headers: NO_STORE });
  const ids = generationIdsParam.safeParse(new URL(request.url).searchParams.get("ids") ?? "");
  if (!ids.success) return Response.json({ error: "invalid_ids" }, { status: 400, headers: NO_STORE });
  const stream = await generationEventStream({ userId: user.id, ids: ids.data, signal: request.signal });
  if (!stream) {
    return Response.json({ error: "unavailable" }, { status: 503, headers: { ...NO_STORE, "retry-after": "5" } });
  }
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform: compression would hold events back until a buffer fills.
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
