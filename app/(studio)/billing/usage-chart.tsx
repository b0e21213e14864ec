import { DailyChart } from "@/components/charts/daily-chart";
import type { UsageDay } from "@/lib/billing/queries";

/** Credits spent and provider tokens per day, as two bar charts, each with its numbers as a table. */
export function UsageChart({ days }: { days: UsageDay[] }) {
  const rows = days.map((d) => ({ day: d.day, values: { credits: d.creditsSpent, tokens: d.tokensUsed } }));
  return (
    <div className="flex flex-col gap-6">
      <DailyChart
        id="credits-chart"
        title="Credits spent per day"
        rows={rows}
        series={[{ key: "credits", label: "Credits spent" }]}
      />
      <DailyChart
        id="tokens-chart"
        title="Provider tokens used per day"
        rows={rows}
        series={[{ key: "tokens", label: "Tokens used", tone: 1 }]}
      />
    </div>
  );
}
