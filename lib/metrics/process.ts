import { Counter, collectDefaultMetrics, Registry } from "prom-client";

// Counters only this process can know (nothing durable records them): each web server and worker
// counts its own, so Prometheus must scrape every process and sum (docs/deploy.md, Metrics).
// Everything that can be derived from the database is computed at scrape time instead
// (lib/metrics/database.ts) and is the same from whichever process answers.

type ProcessMetrics = {
  registry: Registry;
  http5xx: Counter<"route">;
  stripeDeliveries: Counter<"type" | "outcome">;
};

const globalForMetrics = globalThis as unknown as { atelierProcessMetrics?: ProcessMetrics };

export function processMetrics(): ProcessMetrics {
  if (!globalForMetrics.atelierProcessMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    globalForMetrics.atelierProcessMetrics = {
      registry,
      http5xx: new Counter({
        name: "atelier_http_5xx_total",
        help: "Responses with a 5xx status answered by this process (uncaught errors included), by route.",
        labelNames: ["route"],
        registers: [registry],
      }),
      stripeDeliveries: new Counter({
        name: "atelier_stripe_webhook_deliveries_total",
        help: "Stripe webhook deliveries this process answered, by event type and outcome (processed, duplicate, ignored, failed, invalid_signature).",
        labelNames: ["type", "outcome"],
        registers: [registry],
      }),
    };
  }
  return globalForMetrics.atelierProcessMetrics;
}

/** Counts one 5xx answer (route: the route pattern, never the raw path with ids in it). */
export function countHttp5xx(route: string): void {
  processMetrics().http5xx.inc({ route });
}

export function countStripeDelivery(type: string, outcome: string): void {
  processMetrics().stripeDeliveries.inc({ type, outcome });
}
