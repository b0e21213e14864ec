import { randomBytes } from "node:crypto";
import net from "node:net";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";
import { isPublicAddress } from "@/lib/images/address-policy";
import { type HostRule, matchHostRule, parseImageHosts } from "@/lib/images/fetch";

// Webhook endpoints a user registers (at most 3). Only public https URLs are accepted; the exact
// test receivers listed in WEBHOOK_TEST_URLS are the one exception. Delivery checks the resolved
// address again (lib/webhooks/deliver.ts), so a name that later points inside is still refused.

export const MAX_WEBHOOK_ENDPOINTS = 3;

/** The exact `scheme://host:port` test receivers (WEBHOOK_TEST_URLS); host-name entries are ignored. */
export function webhookTestRules(list = env().WEBHOOK_TEST_URLS): HostRule[] {
  return parseImageHosts(list).filter((rule) => rule.kind === "exact");
}

export const webhookUrlSchema = z
  .string({ error: "Enter the endpoint's URL." })
  .trim()
  .max(2000, "That URL is too long.")
  .superRefine((value, ctx) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (!url) return fail("Enter a full URL, e.g. https://example.com/hooks/atelier.");
    if (matchHostRule(url, webhookTestRules())) return;
    if (url.protocol !== "https:") return fail("Webhook endpoints must use https.");
    if (url.username || url.password) return fail("Put no user name or password in the URL.");
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
    if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || !host.includes(".")) {
      return fail("Webhook endpoints must be reachable on the public internet.");
    }
    if (net.isIP(host) && !isPublicAddress(host)) return fail("Webhook endpoints must be public addresses.");
  });

export type WebhookEndpointSummary = { id: string; url: string; secret: string; createdAt: Date };

export type CreateEndpointResult =
  | { ok: true; endpoint: WebhookEndpointSummary }
  | { ok: false; code: "too_many_endpoints"; message: string };

export async function createWebhookEndpoint(
  database: Db,
  { userId, url }: { userId: string; url: string },
): Promise<CreateEndpointResult> {
  return database.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR NO KEY UPDATE`;
    const count = await tx.webhookEndpoint.count({ where: { userId } });
    if (count >= MAX_WEBHOOK_ENDPOINTS) {
      return {
        ok: false as const,
        code: "too_many_endpoints" as const,
        message: `You have ${MAX_WEBHOOK_ENDPOINTS} endpoints, the most allowed. Delete one to add another.`,
      };
    }
    const endpoint = await tx.webhookEndpoint.create({
      data: { userId, url, secret: `whsec_${randomBytes(24).toString("base64")}` },
      select: { id: true, url: true, secret: true, createdAt: true },
    });
    return { ok: true as const, endpoint };
  });
}

export function listWebhookEndpoints(database: Db, { userId }: { userId: string }) {
  return database.webhookEndpoint.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { id: true, url: true, secret: true, createdAt: true },
  });
}

export async function deleteWebhookEndpoint(database: Db, { userId, id }: { userId: string; id: string }) {
  const { count } = await database.webhookEndpoint.deleteMany({ where: { id, userId } });
  return count === 1;
}

export function listWebhookDeliveries(database: Db, { userId, take = 50 }: { userId: string; take?: number }) {
  return database.webhookDelivery.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: {
      id: true,
      eventType: true,
      status: true,
      attempts: true,
      responseStatus: true,
      lastError: true,
      createdAt: true,
      lastAttemptAt: true,
      endpoint: { select: { url: true } },
    },
  });
}
