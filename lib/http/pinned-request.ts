import { lookup as dnsLookup } from "node:dns/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import net, { type LookupFunction } from "node:net";
import { isLoopbackAddress, isPublicAddress } from "@/lib/images/address-policy";

// Outgoing requests to addresses a user or a provider chose (image links, webhook endpoints) must
// not turn the studio into a proxy into its own network (SSRF). Every address DNS gives must be
// public (loopback only where a test allowance says so), and the connection goes to the address
// that was checked, so a second lookup an attacker's DNS answers differently is never made.

export type ResolvedAddress = { address: string; family: 4 | 6 };
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export class AddressRefusedError extends Error {}
export class LookupFailedError extends Error {}

export const systemResolver: Resolver = async (hostname) => {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
};

/** The address to connect to for `url`, after checking every address its name has. */
export async function resolveAllowedAddress(
  url: URL,
  { allowLoopback, resolve = systemResolver }: { allowLoopback: boolean; resolve?: Resolver },
): Promise<ResolvedAddress> {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const literal = net.isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(hostname);
    } catch (cause) {
      throw new LookupFailedError(`DNS lookup failed for ${hostname}`, { cause });
    }
  }
  const first = addresses[0];
  if (!first) throw new LookupFailedError(`no address for ${hostname}`);
  // Every address must pass, not just the one used: a name that also points inside is not trusted.
  const allowed = (address: string) => isPublicAddress(address) || (allowLoopback && isLoopbackAddress(address));
  if (!addresses.every((a) => allowed(a.address))) {
    throw new AddressRefusedError(`${hostname} resolves to a non-public address`);
  }
  return first;
}

/** One request on a fresh connection to `pinned` (no pooled socket made for another address). */
export function pinnedRequest(
  url: URL,
  pinned: ResolvedAddress,
  options: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<IncomingMessage> {
  const lookup: LookupFunction = (_hostname, opts, callback) => {
    if (opts.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: options.method,
      headers: options.headers,
      agent: false,
      lookup,
      signal: options.signal,
    });
    request.once("response", resolve);
    request.once("error", reject);
    request.end(options.body);
  });
}
