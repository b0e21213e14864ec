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

/**
 * The studio's price of one image from the provider's price, in provider credits (2,000,000 per US
 * dollar). One studio credit per 15,750 provider credits, rounded up: Seedream 4.0's 63,000 ($0.0315)
 * is today's 4 credits. A credit sells for $0.035 to $0.05 (the packs above), so an image costs the
 * user 4.4 to 6.3 times what the provider charges, for every model. Each model's provider price is
 * in its registry entry (lib/models/); demo images cost the same credits but no provider money.
 */
export const PROVIDER_CREDITS_PER_CREDIT = 15_750;

export function creditsForProviderPrice(providerCreditsPerImage: number): number {
  return Math.ceil(providerCreditsPerImage / PROVIDER_CREDITS_PER_CREDIT);
}

export const LOW_BALANCE_THRESHOLD = 20;

export function formatMoney(amountCents: number, currency = CURRENCY): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(
    amountCents / 100,
  );
}
