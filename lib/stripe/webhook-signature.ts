// Stripe signs a timestamp with the body (`t=<seconds>,v1=<hmac>`). A delivery dated more than
// this far from our clock, in either direction, is refused as a possible replay: the SDK only
// refuses old ones, and a signature dated ahead would stay replayable for as long as it is ahead.
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Why the header's timestamp is unacceptable at `nowMs`, or null when it is within tolerance. */
export function signatureAgeProblem(header: string, nowMs: number): string | null {
  const stamps = header
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.startsWith("t="))
    .map((part) => part.slice(2));
  if (stamps.length !== 1 || !/^\d{1,12}$/.test(stamps[0] ?? "")) return "no single timestamp in the signature";
  const skew = Number(stamps[0]) - Math.floor(nowMs / 1000);
  if (skew > SIGNATURE_TOLERANCE_SECONDS) return `timestamp ${skew}s in the future`;
  if (skew < -SIGNATURE_TOLERANCE_SECONDS) return `timestamp ${-skew}s in the past`;
  return null;
}
