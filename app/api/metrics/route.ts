import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { jobsConfig } from "@/lib/jobs";
import { log } from "@/lib/log";
import { renderMetrics } from "@/lib/metrics";
import { metricsAccess } from "@/lib/metrics/access";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint (docs/deploy.md, Metrics). */
export async function GET(request: Request): Promise<Response> {
  const access = metricsAccess(request.headers.get("authorization"), env().METRICS_TOKEN);
  if (access === "not_found") return new Response("Not found", { status: 404 });
  if (access === "unauthorized") {
    return new Response("Unauthorized", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  }
  try {
    const { contentType, body } = await renderMetrics(db(), { jobsSchema: jobsConfig().schema });
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (error) {
    log.error("metrics: scrape failed", { err: error });
    return new Response("metrics unavailable", { status: 503 });
  }
}
