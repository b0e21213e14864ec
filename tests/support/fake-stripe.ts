// A local server that speaks the part of Stripe's HTTP API that Atelier's real `stripe` SDK calls:
// customers, Checkout Sessions (form-encoded bodies, Idempotency-Key), payment intents, charges
// and disputes, plus a minimal hosted checkout page and a control API for tests to move money
// (pay, fail, refund, dispute) the way Stripe would.
//
// Used by the integration tests, by the e2e stack (port 3902), and standalone:
//   npx tsx tests/support/fake-stripe.ts --port 3902
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export type FakeCustomer = { id: string; object: "customer"; email: string | null; metadata: Obj; created: number };
export type FakeSession = {
  id: string;
  object: "checkout.session";
  mode: string;
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid" | "no_payment_required";
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  customer: string | null;
  client_reference_id: string | null;
  metadata: Obj;
  success_url: string;
  cancel_url: string | null;
  url: string | null;
  payment_intent: string | null;
  line_items_input: Json;
  created: number;
  expires_at: number;
  livemode: false;
};
export type FakePaymentIntent = {
  id: string;
  object: "payment_intent";
  amount: number;
  currency: string;
  status: "processing" | "succeeded" | "requires_payment_method";
  customer: string | null;
  latest_charge: string | null;
  metadata: Obj;
  created: number;
};
export type FakeCharge = {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  paid: boolean;
  captured: boolean;
  refunded: boolean;
  disputed: boolean;
  status: "succeeded";
  customer: string | null;
  payment_intent: string;
  receipt_url: string;
  created: number;
};
export type FakeDispute = {
  id: string;
  object: "dispute";
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  reason: string;
  status: string;
  created: number;
};

export type FakeStripe = {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Every API request received (method, path, idempotency key), for assertions. */
  requests: { method: string; path: string; idempotencyKey: string | null }[];
  customers: Map<string, FakeCustomer>;
  sessions: Map<string, FakeSession>;
  charges: Map<string, FakeCharge>;
  disputes: Map<string, FakeDispute>;
  /** Completes a session: `paid` (card) or `processing` (an async method such as a bank debit). */
  completeSession(sessionId: string, outcome?: "paid" | "processing"): FakeSession;
  /** Settles a processing session's async payment. */
  settleAsyncPayment(sessionId: string, outcome: "succeeded" | "failed"): FakeSession;
  expireSession(sessionId: string): FakeSession;
  /** Refunds part (or, without an amount, the rest) of a charge. */
  refundCharge(chargeId: string, amount?: number): FakeCharge;
  openDispute(chargeId: string): FakeDispute;
  closeDispute(disputeId: string, status: "won" | "lost"): FakeDispute;
  /** The charge of a paid session. */
  chargeForSession(sessionId: string): FakeCharge;
};

const now = () => Math.floor(Date.now() / 1000);
const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Parses Stripe's form encoding (`a[b][0][c]=v`) into nested objects and arrays. */
export function parseStripeForm(body: string): Obj {
  const root: Obj = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const segments = rawKey.replace(/\]/g, "").split("[");
    let node: Obj = root;
    segments.forEach((segment, i) => {
      const key = segment === "" ? String(Object.keys(node).length) : segment;
      if (i === segments.length - 1) {
        node[key] = value;
        return;
      }
      const next = node[key];
      if (typeof next === "object" && next !== null && !Array.isArray(next)) node = next;
      else {
        const created: Obj = {};
        node[key] = created;
        node = created;
      }
    });
  }
  return toArrays(root) as Obj;
}

function toArrays(value: Json): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: Obj = {};
  for (const key of keys) converted[key] = toArrays(value[key] ?? null);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => converted[k] ?? null);
  return converted;
}

const str = (value: Json | undefined): string | undefined => (typeof value === "string" ? value : undefined);
const obj = (value: Json | undefined): Obj =>
  typeof value === "object" && value && !Array.isArray(value) ? value : {};

function requireString(params: Obj, name: string): string {
  const value = str(params[name]);
  if (!value) throw new StripeError(400, "invalid_request_error", `Missing required param: ${name}.`, name);
  return value;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main>${body}</main></body></html>`;
}

export async function startFakeStripe(options: { port?: number; host?: string } = {}): Promise<FakeStripe> {
  const host = options.host ?? "127.0.0.1";
  const customers = new Map<string, FakeCustomer>();
  const sessions = new Map<string, FakeSession>();
  const paymentIntents = new Map<string, FakePaymentIntent>();
  const charges = new Map<string, FakeCharge>();
  const disputes = new Map<string, FakeDispute>();
  const idempotent = new Map<string, { fingerprint: string; status: number; body: string }>();
  const requests: FakeStripe["requests"] = [];
  let baseUrl = "";

  function find<T>(map: Map<string, T>, id: string, kind: string): T {
    const found = map.get(id);
    if (!found) throw new StripeError(404, "invalid_request_error", `No such ${kind}: '${id}'`, "id");
    return found;
  }

  function lookup(id: string): Json {
    const stores: Map<string, unknown>[] = [customers, sessions, paymentIntents, charges, disputes];
    for (const store of stores) {
      const found = store.get(id);
      if (found) return structuredClone(found) as Json;
    }
    return id;
  }

  function expand(value: Obj, paths: string[]): Obj {
    const out = structuredClone(value);
    for (const path of paths) {
      const [head, ...rest] = path.split(".");
      if (!head) continue;
      const current = out[head];
      if (typeof current === "string") out[head] = lookup(current);
      const nested = out[head];
      if (rest.length && typeof nested === "object" && nested && !Array.isArray(nested)) {
        out[head] = expand(nested, [rest.join(".")]);
      }
    }
    return out;
  }

  function publicSession(session: FakeSession): Obj {
    const { line_items_input: _omit, ...rest } = session;
    return rest as unknown as Obj;
  }

  function createCustomer(params: Obj): FakeCustomer {
    const customer: FakeCustomer = {
      id: newId("cus"),
      object: "customer",
      email: str(params.email) ?? null,
      metadata: obj(params.metadata),
      created: now(),
    };
    customers.set(customer.id, customer);
    return customer;
  }

  function createSession(params: Obj): FakeSession {
    const mode = requireString(params, "mode");
    if (mode !== "payment") throw new StripeError(400, "invalid_request_error", "Only mode=payment is supported here");
    const successUrl = requireString(params, "success_url");
    const items = params.line_items;
    if (!Array.isArray(items) || items.length === 0) {
      throw new StripeError(400, "invalid_request_error", "Missing required param: line_items.", "line_items");
    }
    let amount = 0;
    let currency = "";
    for (const item of items) {
      const priceData = obj(obj(item).price_data);
      const unit = Number(str(priceData.unit_amount));
      const quantity = Number(str(obj(item).quantity) ?? "1");
      currency = str(priceData.currency) ?? "";
      if (!Number.isInteger(unit) || unit <= 0 || !currency || !str(obj(priceData.product_data).name)) {
        throw new StripeError(
          400,
          "invalid_request_error",
          "line_items need price_data with currency, unit_amount, product_data.name",
        );
      }
      amount += unit * quantity;
    }
    const customer = str(params.customer) ?? null;
    if (customer && !customers.has(customer)) {
      // What Stripe answers for a customer of another account or mode, or a deleted one.
      throw new StripeError(
        400,
        "invalid_request_error",
        `No such customer: '${customer}'`,
        "customer",
        "resource_missing",
      );
    }
    const id = `cs_test_${randomBytes(16).toString("hex")}`;
    const session: FakeSession = {
      id,
      object: "checkout.session",
      mode,
      status: "open",
      payment_status: "unpaid",
      amount_subtotal: amount,
      amount_total: amount,
      currency,
      customer,
      client_reference_id: str(params.client_reference_id) ?? null,
      metadata: obj(params.metadata),
      success_url: successUrl,
      cancel_url: str(params.cancel_url) ?? null,
      url: `${baseUrl}/checkout/${id}`,
      payment_intent: null,
      line_items_input: items,
      created: now(),
      expires_at: now() + 24 * 3600,
      livemode: false,
    };
    sessions.set(id, session);
    return session;
  }

  function completeSession(sessionId: string, outcome: "paid" | "processing" = "paid"): FakeSession {
    const session = find(sessions, sessionId, "checkout.session");
    if (session.status !== "open") throw new StripeError(400, "invalid_request_error", `Session is ${session.status}`);
    const pi: FakePaymentIntent = {
      id: newId("pi"),
      object: "payment_intent",
      amount: session.amount_total,
      currency: session.currency,
      status: outcome === "paid" ? "succeeded" : "processing",
      customer: session.customer,
      latest_charge: null,
      metadata: {},
      created: now(),
    };
    paymentIntents.set(pi.id, pi);
    session.status = "complete";
    session.url = null;
    session.payment_intent = pi.id;
    if (outcome === "paid") {
      session.payment_status = "paid";
      createCharge(pi);
    }
    return session;
  }

  function createCharge(pi: FakePaymentIntent): FakeCharge {
    const charge: FakeCharge = {
      id: newId("ch"),
      object: "charge",
      amount: pi.amount,
      amount_captured: pi.amount,
      amount_refunded: 0,
      currency: pi.currency,
      paid: true,
      captured: true,
      refunded: false,
      disputed: false,
      status: "succeeded",
      customer: pi.customer,
      payment_intent: pi.id,
      receipt_url: "",
      created: now(),
    };
    charge.receipt_url = `${baseUrl}/receipts/${charge.id}`;
    charges.set(charge.id, charge);
    pi.latest_charge = charge.id;
    return charge;
  }

  function settleAsyncPayment(sessionId: string, outcome: "succeeded" | "failed"): FakeSession {
    const session = find(sessions, sessionId, "checkout.session");
    const pi = session.payment_intent ? paymentIntents.get(session.payment_intent) : undefined;
    if (pi?.status !== "processing") throw new StripeError(400, "invalid_request_error", "No processing payment");
    if (outcome === "succeeded") {
      pi.status = "succeeded";
      session.payment_status = "paid";
      createCharge(pi);
    } else {
      pi.status = "requires_payment_method";
    }
    return session;
  }

  function expireSession(sessionId: string): FakeSession {
    const session = find(sessions, sessionId, "checkout.session");
    if (session.status !== "open") throw new StripeError(400, "invalid_request_error", `Session is ${session.status}`);
    session.status = "expired";
    session.url = null;
    return session;
  }

  function refundCharge(chargeId: string, amount?: number): FakeCharge {
    const charge = find(charges, chargeId, "charge");
    const remaining = charge.amount - charge.amount_refunded;
    const refund = amount ?? remaining;
    if (!Number.isInteger(refund) || refund <= 0 || refund > remaining) {
      throw new StripeError(400, "invalid_request_error", `Refund amount must be between 1 and ${remaining}`, "amount");
    }
    charge.amount_refunded += refund;
    charge.refunded = charge.amount_refunded === charge.amount;
    return charge;
  }

  function openDispute(chargeId: string): FakeDispute {
    const charge = find(charges, chargeId, "charge");
    const dispute: FakeDispute = {
      id: newId("dp"),
      object: "dispute",
      amount: charge.amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason: "fraudulent",
      status: "needs_response",
      created: now(),
    };
    charge.disputed = true;
    disputes.set(dispute.id, dispute);
    return dispute;
  }

  function closeDispute(disputeId: string, status: "won" | "lost"): FakeDispute {
    const dispute = find(disputes, disputeId, "dispute");
    dispute.status = status;
    return dispute;
  }

  function chargeForSession(sessionId: string): FakeCharge {
    const session = find(sessions, sessionId, "checkout.session");
    const pi = session.payment_intent ? paymentIntents.get(session.payment_intent) : undefined;
    if (!pi?.latest_charge) throw new StripeError(400, "invalid_request_error", "Session has no charge");
    return find(charges, pi.latest_charge, "charge");
  }

  /** The Stripe API proper: returns [status, body]. */
  function api(method: string, path: string, query: URLSearchParams, params: Obj): [number, Json] {
    const expandPaths = [
      ...query.getAll("expand[]"),
      ...[...query.entries()].filter(([k]) => /^expand\[\d+\]$/.test(k)).map(([, v]) => v),
      ...(Array.isArray(params.expand) ? params.expand.filter((v): v is string => typeof v === "string") : []),
    ];
    const parts = path.split("/").filter(Boolean);
    const route = `${method} /${parts.map((p, i) => (i >= 2 && !["checkout", "sessions"].includes(p) ? ":id" : p)).join("/")}`;
    const id = parts.at(-1) ?? "";
    switch (route) {
      case "POST /v1/customers":
        return [200, createCustomer(params) as unknown as Obj];
      case "GET /v1/customers/:id":
        return [200, find(customers, id, "customer") as unknown as Obj];
      case "POST /v1/checkout/sessions":
        return [200, expand(publicSession(createSession(params)), expandPaths)];
      case "GET /v1/checkout/sessions": {
        const pi = query.get("payment_intent");
        const data = [...sessions.values()]
          .filter((s) => !pi || s.payment_intent === pi)
          .map((s) => expand(publicSession(s), expandPaths));
        return [200, { object: "list", data, has_more: false, url: "/v1/checkout/sessions" }];
      }
      case "GET /v1/checkout/sessions/:id":
        return [200, expand(publicSession(find(sessions, id, "checkout.session")), expandPaths)];
      case "GET /v1/payment_intents/:id":
        return [200, expand(find(paymentIntents, id, "payment_intent") as unknown as Obj, expandPaths)];
      case "GET /v1/charges/:id":
        return [200, expand(find(charges, id, "charge") as unknown as Obj, expandPaths)];
      case "GET /v1/disputes/:id":
        return [200, expand(find(disputes, id, "dispute") as unknown as Obj, expandPaths)];
      default:
        throw new StripeError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
    }
  }

  /** Test controls, also reachable over HTTP for the browser tests. */
  function control(path: string, params: Obj): Json {
    const [, , kind, id = "", action] = path.split("/");
    if (kind === "sessions" && action === "complete") {
      const outcome = str(params.outcome) === "processing" ? "processing" : "paid";
      return publicSession(completeSession(id, outcome));
    }
    if (kind === "sessions" && action === "async") {
      return publicSession(settleAsyncPayment(id, str(params.outcome) === "failed" ? "failed" : "succeeded"));
    }
    if (kind === "sessions" && action === "expire") return publicSession(expireSession(id));
    if (kind === "sessions" && action === "charge") return chargeForSession(id) as unknown as Obj;
    if (kind === "charges" && action === "refund") {
      const amount = str(params.amount);
      return refundCharge(id, amount ? Number(amount) : undefined) as unknown as Obj;
    }
    if (kind === "charges" && action === "dispute") return openDispute(id) as unknown as Obj;
    if (kind === "disputes" && action === "close") {
      return closeDispute(id, str(params.status) === "lost" ? "lost" : "won") as unknown as Obj;
    }
    throw new StripeError(404, "invalid_request_error", `Unknown control ${path}`);
  }

  /** The hosted checkout page: enough for a browser test to land, pay or cancel. */
  function hosted(method: string, path: string, res: http.ServerResponse): void {
    const [, , id = "", action] = path.split("/");
    const session = find(sessions, id, "checkout.session");
    const backTo = (url: string) => url.replaceAll("{CHECKOUT_SESSION_ID}", session.id);
    if (method === "POST" && action === "pay") {
      if (session.status === "open") completeSession(session.id, "paid");
      res.writeHead(303, { location: backTo(session.success_url) }).end();
      return;
    }
    if (method === "GET" && action === "cancel" && session.cancel_url) {
      res.writeHead(303, { location: backTo(session.cancel_url) }).end();
      return;
    }
    const amount = (session.amount_total / 100).toFixed(2);
    const body =
      session.status === "open"
        ? `<h1>Fake Stripe Checkout</h1><p>Pay ${amount} ${session.currency.toUpperCase()}</p>
           <form method="post" action="/checkout/${session.id}/pay"><button type="submit">Pay</button></form>
           <a href="/checkout/${session.id}/cancel">Cancel and return</a>`
        : `<h1>Fake Stripe Checkout</h1><p>This session is ${session.status}.</p>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page("Checkout", body));
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", baseUrl);
      const method = req.method ?? "GET";
      const raw = Buffer.concat(chunks).toString("utf8");
      const send = (status: number, body: Json) =>
        res
          .writeHead(status, { "content-type": "application/json", "request-id": newId("req") })
          .end(JSON.stringify(body));
      try {
        if (url.pathname.startsWith("/checkout/")) return hosted(method, url.pathname, res);
        if (url.pathname.startsWith("/receipts/")) {
          res.writeHead(200, { "content-type": "text/html" }).end(page("Receipt", "<h1>Receipt</h1>"));
          return;
        }
        const isJson = (req.headers["content-type"] ?? "").includes("application/json");
        const params = isJson && raw ? (JSON.parse(raw) as Obj) : parseStripeForm(raw);
        if (url.pathname.startsWith("/_control/")) {
          if (method !== "POST") throw new StripeError(405, "invalid_request_error", "Use POST");
          return send(200, control(url.pathname, params));
        }
        if (!url.pathname.startsWith("/v1/")) throw new StripeError(404, "invalid_request_error", "Not found");
        if (!/^Bearer sk_(test|live)_\S+$/.test(req.headers.authorization ?? "")) {
          throw new StripeError(401, "invalid_request_error", "Invalid API Key provided");
        }
        const key = method === "POST" ? (req.headers["idempotency-key"] as string | undefined) : undefined;
        requests.push({ method, path: url.pathname, idempotencyKey: key ?? null });
        const fingerprint = `${method} ${url.pathname} ${raw}`;
        if (key) {
          const seen = idempotent.get(key);
          if (seen && seen.fingerprint !== fingerprint) {
            throw new StripeError(
              400,
              "idempotency_error",
              "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            );
          }
          if (seen) {
            res
              .writeHead(seen.status, { "content-type": "application/json", "idempotent-replayed": "true" })
              .end(seen.body);
            return;
          }
        }
        const [status, body] = api(method, url.pathname, url.searchParams, params);
        if (key) idempotent.set(key, { fingerprint, status, body: JSON.stringify(body) });
        return send(status, body);
      } catch (error) {
        if (error instanceof StripeError) {
          return send(error.status, {
            error: {
              type: error.type,
              message: error.message,
              ...(error.param ? { param: error.param } : {}),
              ...(error.code ? { code: error.code } : {}),
            },
          });
        }
        return send(500, { error: { type: "api_error", message: String(error) } });
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;

  return {
    url: baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    requests,
    customers,
    sessions,
    charges,
    disputes,
    completeSession,
    settleAsyncPayment,
    expireSession,
    refundCharge,
    openDispute,
    closeDispute,
    chargeForSession,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const portArg = process.argv.indexOf("--port");
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 3902;
  const fake = await startFakeStripe({ port });
  console.log(`fake Stripe listening on ${fake.url}`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
