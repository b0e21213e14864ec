import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { route } from "@/lib/route";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "public" }, async () => {
  const started = Date.now();
  try {
    await db().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok", database: { reachable: true, latencyMs: Date.now() - started } });
  } catch (error) {
    log.error("health: database unreachable", { err: error });
    return Response.json({ status: "error", database: { reachable: false } }, { status: 503 });
  }
});
