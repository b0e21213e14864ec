// Every price and cost in one place. Amounts are never taken from the client: a form names a
// pack id or a model id, and the server looks the numbers up here.

export const CURRENCY = "usd";

export type CreditPack = { id: string; name: string; credits: number; amountCents: number; blurb: string };

export const CREDIT_PACKS: readonly CreditPack[] = [
  { id: "starter", name: "Starter", credits: 100, amountCents: 500, blurb: "About 25 images" },
  { id: "studio", name: "Studio", credits: 500, amountCents: 2000, blurb: "About 125 images, 20% off" },
  { id: "pro", name: "Pro", credits: 2000, amountCents: 7000, blurb: "About 500 images, 30% off" },
] as const;

export function findPack(id: string): CreditPack | undefined {
  return CREDIT_PACKS.find((p) => p.id === id);
}

/** Credits charged per image received, by model id (see lib/models.ts). Demo images cost the same
 * credits so an offline studio behaves like the real one; they spend no provider money. */
export const CREDITS_PER_IMAGE: Readonly<Record<string, number>> = {
  "bytedance/seedream-v4-text-to-image": 4,
};

export const LOW_BALANCE_THRESHOLD = 20;

export function formatMoney(amountCents: number, currency = CURRENCY): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(
    amountCents / 100,
  );
}
