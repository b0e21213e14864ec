import type { Metadata } from "next";
import { z } from "zod";
import { RangeLinks } from "@/components/charts/range-links";
import { getAccountSummary } from "@/lib/account";
import { requireUser } from "@/lib/auth/require-user";
import { listMovements, usageByDay } from "@/lib/billing/queries";
import { stripeConfigured } from "@/lib/env";
import { CREDIT_PACKS, formatMoney, LOW_BALANCE_THRESHOLD } from "@/lib/pricing";
import { BuyPackForm } from "./buy-pack-form";
import { MovementsTable } from "./movements-table";
import { UsageChart } from "./usage-chart";

export const metadata: Metadata = { title: "Billing" };
export const dynamic = "force-dynamic";

const RANGES = [30, 90] as const;

const query = z.object({
  range: z.preprocess((v) => Number(v), z.union([z.literal(30), z.literal(90)])).catch(30),
  before: z.string().max(200).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const raw = await searchParams;
  const { range, before, after } = query.parse({
    range: single(raw.range),
    before: single(raw.before),
    after: single(raw.after),
  });
  const [account, page, usage] = await Promise.all([
    getAccountSummary({ userId: user.id }),
    listMovements({ userId: user.id, before, after }),
    usageByDay({ userId: user.id, days: range }),
  ]);
  const payments = stripeConfigured();

  return (
    <div className="flex flex-col gap-8">
      <section aria-labelledby="page-title" className="flex flex-col gap-3">
        <h1 id="page-title" className="text-2xl font-semibold">
          Billing
        </h1>
        <p className="text-lg">
          Balance:{" "}
          <strong className="tabular-nums" data-testid="billing-balance">
            {account.creditBalance}
          </strong>{" "}
          credits
        </p>
        {account.spendingLocked ? (
          <p
            role="alert"
            className="rounded-lg border border-red-300 bg-red-50 p-3 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
          >
            Spending is paused: a card payment on your account is disputed. Generations and purchases resume when the
            dispute is resolved.
          </p>
        ) : null}
        {account.creditBalance < LOW_BALANCE_THRESHOLD ? (
          <p
            role="status"
            className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
          >
            Your balance is low ({account.creditBalance} credits).{" "}
            {payments ? "Top up below to keep generating." : "Ask the studio's operator for more credits."}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="packs-title" className="flex flex-col gap-3">
        <h2 id="packs-title" className="text-xl font-semibold">
          Credit packs
        </h2>
        {payments ? null : (
          <p role="note" className="text-stone-600 dark:text-stone-400">
            Payments are not configured on this studio, so packs cannot be bought here. Everything else works as usual.
          </p>
        )}
        <ul className="grid gap-4 sm:grid-cols-3">
          {CREDIT_PACKS.map((pack) => (
            <li
              key={pack.id}
              className="flex flex-col gap-3 rounded-xl border border-stone-200 bg-white p-4 dark:border-stone-800 dark:bg-stone-900"
            >
              <h3 className="text-lg font-semibold">{pack.name}</h3>
              <p>
                <span className="text-2xl font-semibold">{formatMoney(pack.amountCents)}</span>{" "}
                <span className="text-stone-600 dark:text-stone-400">for {pack.credits} credits</span>
              </p>
              <p className="text-sm text-stone-600 dark:text-stone-400">{pack.blurb}</p>
              <BuyPackForm packId={pack.id} packName={pack.name} disabled={!payments || account.spendingLocked} />
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="usage-title" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="usage-title" className="text-xl font-semibold">
            Usage
          </h2>
          <RangeLinks
            label="Usage range"
            ranges={RANGES}
            current={range}
            href={(days) => `/billing?range=${days}#usage-title`}
          />
        </div>
        <UsageChart days={usage} />
      </section>

      <section id="movements" aria-labelledby="movements-title" className="flex flex-col gap-3">
        <h2 id="movements-title" className="text-xl font-semibold">
          Credit movements
        </h2>
        <MovementsTable page={page} range={range} />
      </section>
    </div>
  );
}
