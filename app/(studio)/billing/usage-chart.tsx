import type { UsageDay } from "@/lib/billing/queries";

const WIDTH = 960;
const HEIGHT = 160;
const PAD_BOTTOM = 20;
const PAD_LEFT = 44;

function BarChart({
  id,
  title,
  unit,
  days,
  value,
  barClass,
}: {
  id: string;
  title: string;
  unit: string;
  days: UsageDay[];
  value: (d: UsageDay) => number;
  barClass: string;
}) {
  const values = days.map(value);
  const max = Math.max(1, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  const busiest = days.reduce<UsageDay | null>((best, d) => (best && value(best) >= value(d) ? best : d), null);
  const slot = (WIDTH - PAD_LEFT) / days.length;
  const plot = HEIGHT - PAD_BOTTOM;
  const description =
    total === 0
      ? `No ${unit} in the last ${days.length} days.`
      : `${total.toLocaleString("en-US")} ${unit} in the last ${days.length} days; the busiest day was ${busiest?.day} with ${busiest ? value(busiest).toLocaleString("en-US") : 0}.`;
  return (
    <figure className="flex flex-col gap-2">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <line x1={PAD_LEFT} y1={plot} x2={WIDTH} y2={plot} className="stroke-stone-300 dark:stroke-stone-700" />
        <text x={PAD_LEFT - 6} y={10} textAnchor="end" className="fill-stone-500 text-[10px]">
          {max.toLocaleString("en-US")}
        </text>
        <text x={PAD_LEFT - 6} y={plot} textAnchor="end" className="fill-stone-500 text-[10px]">
          0
        </text>
        {days.map((d, i) => {
          const h = (value(d) / max) * (plot - 4);
          return (
            <rect
              key={d.day}
              x={PAD_LEFT + i * slot + slot * 0.15}
              y={plot - h}
              width={slot * 0.7}
              height={h}
              className={barClass}
            >
              <title>{`${d.day}: ${value(d).toLocaleString("en-US")} ${unit}`}</title>
            </rect>
          );
        })}
        <text x={PAD_LEFT} y={HEIGHT - 4} className="fill-stone-500 text-[10px]">
          {days[0]?.day}
        </text>
        <text x={WIDTH} y={HEIGHT - 4} textAnchor="end" className="fill-stone-500 text-[10px]">
          {days.at(-1)?.day}
        </text>
      </svg>
      <p className="text-sm text-stone-600 dark:text-stone-400">{description}</p>
    </figure>
  );
}

/** Credits spent and provider tokens per day, as two bar charts with a table for screen readers and keyboards. */
export function UsageChart({ days }: { days: UsageDay[] }) {
  return (
    <div className="flex flex-col gap-6">
      <BarChart
        id="credits-chart"
        title="Credits spent per day"
        unit="credits spent"
        days={days}
        value={(d) => d.creditsSpent}
        barClass="fill-violet-500"
      />
      <BarChart
        id="tokens-chart"
        title="Provider tokens used per day"
        unit="tokens used"
        days={days}
        value={(d) => d.tokensUsed}
        barClass="fill-teal-500"
      />
      <details className="text-sm">
        <summary className="cursor-pointer">Show usage as a table</summary>
        <table className="mt-2 w-full max-w-md text-left tabular-nums">
          <caption className="sr-only">Credits spent and provider tokens used per day</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="text-right">
                Credits spent
              </th>
              <th scope="col" className="text-right">
                Tokens used
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <th scope="row" className="font-normal">
                  {d.day}
                </th>
                <td className="text-right">{d.creditsSpent}</td>
                <td className="text-right">{d.tokensUsed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
