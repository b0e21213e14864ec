import { db } from "@/lib/db";
import { checkReadiness } from "@/lib/readiness";
import { route } from "@/lib/route";
import { objectStore } from "@/lib/storage";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness: 200 when the database, the job queue and the storage answer; 503 otherwise or while stopping. */
export const GET = route({ auth: "public" }, async () => {
  const result = await checkReadiness({ database: db(), store: objectStore() });
  return Response.json(
    { status: result.ready ? "ready" : result.draining ? "draining" : "unavailable", checks: result.checks },
    { status: result.ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});
