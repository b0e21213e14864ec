import { z } from "zod";

// The pieces of Stripe objects the webhook relies on, validated where they enter: a payload or a
// re-read that lacks one of them is an error we want to see, not a credit we want to guess.

const id = z.string().min(1);
const expandable = <T extends z.ZodType>(shape: T) => z.union([id, shape]).nullable();

export const eventObjectId = z.object({ id });

export const chargeSchema = z.object({
  id,
  amount: z.number().int().nonnegative(),
  amount_refunded: z.number().int().nonnegative(),
  currency: z.string(),
  payment_intent: expandable(z.object({ id })),
  receipt_url: z.string().nullish(),
});
export type ChargeView = z.infer<typeof chargeSchema>;

export const checkoutSessionSchema = z.object({
  id,
  status: z.enum(["open", "complete", "expired"]).nullable(),
  payment_status: z.enum(["paid", "unpaid", "no_payment_required"]),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
  client_reference_id: z.string().nullable(),
  metadata: z.record(z.string(), z.string()).nullable(),
  payment_intent: expandable(
    z.object({
      id,
      latest_charge: expandable(z.object({ id, receipt_url: z.string().nullish() })).optional(),
    }),
  ),
});
export type CheckoutSessionView = z.infer<typeof checkoutSessionSchema>;

export const disputeSchema = z.object({
  id,
  status: z.string(),
  charge: expandable(z.object({ id })),
  payment_intent: expandable(z.object({ id })),
});
export type DisputeView = z.infer<typeof disputeSchema>;

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** Open disputes stop spending; these end one. */
export const DISPUTE_OPEN_STATUSES = new Set([
  "warning_needs_response",
  "warning_under_review",
  "needs_response",
  "under_review",
  "appeal_needs_response",
  "appeal_under_review",
]);
