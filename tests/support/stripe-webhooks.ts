// Builds Stripe event payloads and signs them the way Stripe does, with the SDK's own helper.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

const signer = new Stripe("sk_test_signer");

export type StripeEventPayload = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  type: string;
  data: { object: unknown };
};

export function stripeEvent(type: string, object: unknown, id = `evt_${randomBytes(12).toString("hex")}`) {
  const event: StripeEventPayload = {
    id,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
  return event;
}

/** The Stripe-Signature header for a payload (timestamp in seconds; defaults to now). */
export function signatureFor(payload: string, secret: string, timestamp?: number): string {
  return signer.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

/** A webhook delivery as Stripe would send it. */
export function webhookRequest(
  url: string,
  payload: string,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Request {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
  const signature =
    options.signature === undefined
      ? signatureFor(payload, options.secret ?? "whsec_test", options.timestamp)
      : options.signature;
  if (signature !== null) headers.set("stripe-signature", signature);
  return new Request(url, { method: "POST", headers, body: payload });
}
