import type { IncomingMessage } from "node:http";
import { env } from "@/lib/env";
import {
  AddressRefusedError,
  pinnedRequest,
  type ResolvedAddress,
  type Resolver,
  resolveAllowedAddress,
  systemResolver,
} from "@/lib/http/pinned-request";
import { readCapped } from "@/lib/http/read-capped";
import { MAX_IMAGE_BYTES } from "@/lib/images/limits";
import { upstreamError } from "@/lib/upstream/errors";
import { UpstreamError } from "@/lib/upstream/types";

// Downloads an image link from the provider at once, refusing anything that could turn the studio
// into a proxy into its own network (SSRF): the host must be on AIML_IMAGE_HOSTS, the scheme https,
// every address DNS gives must be public, and the connection goes to the address that was checked
// (no second lookup an attacker's DNS could answer differently). Redirects are followed by hand,
// only on the same host, each hop checked again.

export type HostRule =
  | { kind: "name"; name: string; subdomains: boolean }
  /** `http://127.0.0.1:3901`-style entries: exactly this scheme, host and port, loopback allowed (tests). */
  | { kind: "exact"; protocol: string; hostname: string; port: string };

export type FetchImageOptions = {
  /** Defaults to AIML_IMAGE_HOSTS. */
  hosts?: readonly HostRule[];
  maxBytes?: number;
  /** For the whole download, redirects included. */
  timeoutMs?: number;
  maxRedirects?: number;
  /** Defaults to the system resolver. */
  resolve?: Resolver;
  signal?: AbortSignal;
};

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_REDIRECTS = 3;

const NAME_ENTRY = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/**
 * Parses AIML_IMAGE_HOSTS: `fal.media` (that host), `*.fal.media` (its subdomains), both https on
 * port 443 only; or `http://127.0.0.1:3901`, an exact test allowance: that scheme, host and port,
 * which may resolve to a loopback address (nothing else private). Throws on anything else.
 */
export function parseImageHosts(list: string): HostRule[] {
  return list
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .map((entry): HostRule => {
      if (NAME_ENTRY.test(entry)) {
        return entry.startsWith("*.")
          ? { kind: "name", name: entry.slice(2), subdomains: true }
          : { kind: "name", name: entry, subdomains: false };
      }
      const url = URL.canParse(entry) ? new URL(entry) : null;
      if (!url || !["http:", "https:"].includes(url.protocol) || !url.port || url.pathname !== "/" || url.search) {
        throw new Error(
          `AIML_IMAGE_HOSTS: ${JSON.stringify(entry)} is neither a host name (cdn.example.com, *.example.com) nor scheme://host:port`,
        );
      }
      return { kind: "exact", protocol: url.protocol, hostname: url.hostname, port: url.port };
    });
}

export function matchHostRule(url: URL, rules: readonly HostRule[]): HostRule | null {
  const hostname = url.hostname.toLowerCase();
  for (const rule of rules) {
    if (rule.kind === "exact") {
      if (url.protocol === rule.protocol && hostname === rule.hostname && url.port === rule.port) return rule;
    } else if (url.protocol === "https:" && url.port === "") {
      if (rule.subdomains ? hostname.endsWith(`.${rule.name}`) : hostname === rule.name) return rule;
    }
  }
  return null;
}

/** The image at `link`, as bytes (not yet checked to be an image: see lib/images/ingest.ts). */
export async function fetchImage(link: string, options: FetchImageOptions = {}): Promise<Buffer> {
  const rules = options.hosts ?? parseImageHosts(env().AIML_IMAGE_HOSTS);
  const maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  let url = parseLink(link);
  const origin = url.host;
  try {
    for (let hop = 0; ; hop++) {
      const rule = matchHostRule(url, rules);
      if (!rule) throw unsafe(`host not allowed: ${url.protocol}//${url.host}`);
      const address = await pickAddress(url, rule, options.resolve ?? systemResolver);
      const response = await get(url, address, signal);
      if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && response.headers.location) {
        response.resume();
        if (hop >= maxRedirects) throw failed(`more than ${maxRedirects} redirects`);
        const next = new URL(response.headers.location, url);
        if (next.host !== origin) throw unsafe(`redirect to another host: ${next.host}`);
        url = next;
        continue;
      }
      if (response.statusCode !== 200) {
        response.resume();
        throw failed(`status ${response.statusCode}`, response.statusCode);
      }
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.destroy();
        throw tooLarge();
      }
      const bytes = await readCapped(response, maxBytes);
      if (bytes === null) throw tooLarge();
      return bytes;
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    if (options.signal?.aborted) throw options.signal.reason;
    throw failed(timeout.aborted ? "timed out" : "request failed", undefined, error);
  }
}

function parseLink(link: string): URL {
  try {
    return new URL(link);
  } catch {
    throw unsafe("not a URL");
  }
}

async function pickAddress(url: URL, rule: HostRule, resolve: Resolver): Promise<ResolvedAddress> {
  try {
    return await resolveAllowedAddress(url, { allowLoopback: rule.kind === "exact", resolve });
  } catch (error) {
    if (error instanceof AddressRefusedError) throw unsafe(error.message);
    throw failed(error instanceof Error ? error.message : "DNS lookup failed", undefined, error);
  }
}

function get(url: URL, pinned: ResolvedAddress, signal: AbortSignal): Promise<IncomingMessage> {
  return pinnedRequest(url, pinned, {
    method: "GET",
    headers: { accept: "image/png, image/jpeg, image/webp", "user-agent": "Atelier image fetch" },
    signal,
  });
}

function unsafe(reason: string): UpstreamError {
  return upstreamError("unsafe_image_link", { cause: reason });
}

function failed(reason: string, status?: number, cause?: unknown): UpstreamError {
  return upstreamError("download_failed", { ...(status ? { status } : {}), cause: cause ?? reason });
}

function tooLarge(): UpstreamError {
  return upstreamError("not_an_image", { cause: "larger than the size limit" });
}
