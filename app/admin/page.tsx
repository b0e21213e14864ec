import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { type ChartSeries, DailyChart } from "@/components/charts/daily-chart";
import { RangeLinks } from "@/components/charts/range-links";
import { DataTable } from "@/components/ui/data-table";
import { requireAdmin } from "@/lib/admin/access";
import {
  creditsByDay,
  failureRates,
  generationsByDay,
  latencyByDay,
  OVERVIEW_RANGES,
  queueDepth,
  revenueByDay,
  signupsByDay,
} from "@/lib/admin/overview";
import { formatMoney } from "@/lib/pricing";
import { duration, single } from "./_components/format";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

const query = z.object({
  range: z.preprocess((v) => Number(v), z.union([z.literal(30), z.literal(90)])).catch(30),
});

const STATUS_SERIES: ChartSeries[] = [
  { key: "COMPLETED", label: "Completed" },
  { key: "FAILED", label: "Failed" },
  { key: "RUNNING", label: "Running" },
  { key: "QUEUED", label: "Queued" },
];

const CREDIT_SERIES: ChartSeries[] = [
  { key: "granted", label: "Granted" },
  { key: "sold", label: "Sold" },
  { key: "spent", label: "Spent" },
  { key: "refunded", label: "Refunded" },
  { key: "clawedBack", label: "Clawed back" },
];

const ms = (n: number) => `${n.toLocaleString("en-US")} ms`;

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3">
      <h2 id={id} className="text-xl font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default async function AdminOverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin();
  const { range } = query.parse({ range: single((await searchParams).range) });
  const [signups, generations, failures, latency, credits, revenue, queues] = await Promise.all([
    signupsByDay(range),
    generationsByDay(range),
    failureRates(range),
    latencyByDay(range),
    creditsByDay(range),
    revenueByDay(range),
    queueDepth(),
  ]);

  return (
    <div className="flex flex-col gap-10">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Overview</h1>
        <RangeLinks
          label="Overview range"
          ranges={OVERVIEW_RANGES}
          current={range}
          href={(days) => `/admin?range=${days}`}
        />
      </div>

      <Section id="queue-title" title="Job queue now">
        {queues === null ? (
          <p className="text-stone-600 dark:text-stone-400">The job queue has not been started on this database yet.</p>
        ) : queues.length === 0 ? (
          <p data-testid="queue-empty">No jobs waiting or running.</p>
        ) : (
          <DataTable
            caption="Jobs waiting and running per queue"
            className="max-w-2xl"
            rows={queues}
            rowKey={(q) => q.name}
            columns={[
              { header: "Queue", rowHeader: true, cell: (q) => q.name },
              { header: "Waiting", numeric: true, cell: (q) => q.waiting },
              { header: "Running", numeric: true, cell: (q) => q.active },
              {
                header: "Oldest waiting",
                numeric: true,
                cell: (q) => (q.oldestWaitingSeconds === null ? "—" : duration(q.oldestWaitingSeconds)),
              },
            ]}
          />
        )}
      </Section>

      <Section id="signups-title" title="Sign-ups">
        <DailyChart
          id="chart-signups"
          title="Sign-ups per day"
          rows={signups}
          series={[{ key: "signups", label: "Sign-ups" }]}
        />
      </Section>

      <Section id="generations-title" title="Generations">
        <DailyChart
          id="chart-gen-status"
          title="Generations per day by status"
          rows={generations.byStatus}
          series={STATUS_SERIES}
        />
        <DailyChart
          id="chart-gen-model"
          title="Generations per day by model"
          rows={generations.byModel}
          series={generations.models.map((m) => ({ key: m, label: m }))}
        />
      </Section>

      <Section id="failures-title" title="Failure rate by error code">
        <p className="text-sm text-stone-600 dark:text-stone-400">
          Failed generations as a share of the {failures.finished.toLocaleString("en-US")} that finished in the last{" "}
          {range} days.
        </p>
        {failures.codes.length === 0 ? (
          <p>No failed generations.</p>
        ) : (
          <DataTable
            caption="Failure rate by error code"
            className="max-w-2xl"
            rows={failures.codes}
            rowKey={(f) => f.code}
            columns={[
              {
                header: "Error code",
                rowHeader: true,
                cell: (f) => (
                  <Link href={`/admin/generations?code=${encodeURIComponent(f.code)}`} className="underline">
                    {f.code}
                  </Link>
                ),
              },
              { header: "Failures", numeric: true, cell: (f) => f.failures },
              { header: "Rate", numeric: true, cell: (f) => `${(f.rate * 100).toFixed(1)}%` },
              {
                header: "Bar",
                hideHeader: true,
                className: "w-1/3",
                cell: (f) => (
                  <div
                    aria-hidden="true"
                    className="h-2 rounded bg-red-500"
                    style={{ width: `${Math.max(1, f.rate * 100)}%` }}
                  />
                ),
              },
            ]}
          />
        )}
      </Section>

      <Section id="latency-title" title="Model latency">
        <DailyChart
          id="chart-latency"
          title="Model call duration per day (p50 and p95)"
          rows={latency}
          series={[
            { key: "p50", label: "p50" },
            { key: "p95", label: "p95" },
          ]}
          mode="lines"
          format={ms}
        />
      </Section>

      <Section id="credits-title" title="Credits">
        <DailyChart id="chart-credits" title="Credits per day" rows={credits} series={CREDIT_SERIES} mode="lines" />
      </Section>

      <Section id="revenue-title" title="Revenue">
        <DailyChart
          id="chart-revenue"
          title="Revenue per day of payment"
          rows={revenue}
          series={[
            { key: "gross", label: "Gross" },
            { key: "refunds", label: "Refunds" },
            { key: "disputes", label: "Disputes" },
          ]}
          mode="lines"
          format={formatMoney}
        />
      </Section>
    </div>
  );
}
