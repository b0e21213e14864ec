import { type Env, env, outboxEnabled } from "@/lib/env";
import { isLoopbackClient, isLoopbackHost } from "@/lib/http/client-address";

// The development outbox (/dev/outbox) shows every sign-in link: whoever reads it can sign in as
// anyone. So it exists only while mail goes to it, only for callers on this machine, and the studio
// refuses to listen beyond this machine while it exists.
// No `server-only`: scripts/start.ts uses it before any server runs.

type HeaderSource = { get(name: string): string | null };

/** Whether this request may see the outbox (otherwise: 404, as if it did not exist). */
export function outboxVisibleTo(headers: HeaderSource, e: Env = env()): boolean {
  return outboxEnabled(e) && isLoopbackClient(headers, e.TRUST_PROXY);
}

/** Why this configuration must not start (the outbox would be shared with the network), or null. */
export function outboxExposure(e: Env): string | null {
  if (isLoopbackHost(e.HOST) || !outboxEnabled(e)) return null;
  return (
    `HOST=${e.HOST} would share this studio with your network while sign-in links go to the development ` +
    "outbox, where anyone could read them. Set EMAIL_SERVER to send real mail, or leave HOST unset to keep " +
    "the studio on 127.0.0.1."
  );
}
