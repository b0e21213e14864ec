import { Histogram, type HistogramConfiguration } from "prom-client";

// A histogram whose buckets are counted by the database (one GROUP BY per scrape) rather than by
// observe() in this process, so it covers every generation whichever process ran it. prom-client
// has no public way to set bucket counts, so this overrides the two methods its registry reads
// (get, and getForPromString when present) with the same value shape Histogram produces.

export type Aggregate = {
  labels: Record<string, string>;
  count: number;
  sum: number;
  /** Cumulative count of observations <= each upper bound. */
  buckets: Map<number, number>;
};

type Values = Awaited<ReturnType<Histogram<string>["get"]>>;

export class AggregatedHistogram extends Histogram<string> {
  readonly #config: HistogramConfiguration<string> & { buckets: number[] };
  readonly #aggregates: Aggregate[];

  constructor(config: HistogramConfiguration<string> & { buckets: number[] }, aggregates: Aggregate[]) {
    super({ ...config, labelNames: [...new Set(aggregates.flatMap((a) => Object.keys(a.labels)))] });
    this.#config = config;
    this.#aggregates = aggregates;
  }

  override async get(): Promise<Values> {
    const name = this.#config.name;
    const values: Values["values"] = [];
    for (const a of this.#aggregates) {
      for (const le of this.#config.buckets) {
        values.push({ labels: { ...a.labels, le }, value: a.buckets.get(le) ?? 0, metricName: `${name}_bucket` });
      }
      values.push({ labels: { ...a.labels, le: "+Inf" }, value: a.count, metricName: `${name}_bucket` });
      values.push({ labels: a.labels, value: a.sum, metricName: `${name}_sum` });
      values.push({ labels: a.labels, value: a.count, metricName: `${name}_count` });
    }
    // An empty, unregistered histogram supplies the rest of the shape (type, aggregator).
    const shape = await new Histogram({ name, help: this.#config.help, registers: [] }).get();
    return { ...shape, values };
  }

  getForPromString(): Promise<Values> {
    return this.get();
  }
}
