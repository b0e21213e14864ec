import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { jobsConfig } from "@/lib/jobs";
import { log } from "@/lib/log";
import { renderMetrics } from "@/lib/metrics";
import { metricsAccess } from "@/lib/metrics/access";
import { notFoundResponse, route, routeError } from "@/lib/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint (docs/deploy.md, Metrics). */
export const GET = route({ auth: "public" }, async ({ request }) => {
  const access = metricsAccess(request.headers.get("authorization"), env().METRICS_TOKEN);
  if (access === "not_found") return notFoundResponse();
  if (access === "unauthorized") {
    return routeError(401, "unauthenticated", "A metrics bearer token is required.", {
      "www-authenticate": 'Bearer realm="metrics"',
    });
  }
  try {
    const { contentType, body } = await renderMetrics(db(), { jobsSchema: jobsConfig().schema });
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (error) {
    log.error("metrics: scrape failed", { err: error });
    return routeError(503, "unavailable", "Metrics are unavailable right now.");
  }
});
