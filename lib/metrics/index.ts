import { Registry } from "prom-client";
import type { Db } from "@/lib/db";
import { databaseMetrics } from "@/lib/metrics/database";
import { processMetrics } from "@/lib/metrics/process";

export { countHttp5xx, countStripeDelivery } from "@/lib/metrics/process";

/** The Prometheus text exposition: database-derived metrics plus this process's own. */
export async function renderMetrics(
  database: Db,
  options: { jobsSchema: string },
): Promise<{
  contentType: string;
  body: string;
}> {
  const fromDatabase = await databaseMetrics(database, options);
  const merged = Registry.merge([fromDatabase, processMetrics().registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
