import "server-only";
import { db } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db-unavailable";

/**
 * Whether the database answers right now. proxy.ts asks before rendering a signed-in page, so an
 * outage is answered with a 503 page instead of a page that cannot tell "no session" from
 * "could not look the session up". Only a connection failure counts: a slow answer (a busy pool)
 * is not an outage, and the page's own queries wait just the same.
 */
export async function databaseReachable(): Promise<boolean> {
  try {
    await db().$queryRaw`SELECT 1`;
    return true;
  } catch (error) {
    return !isDatabaseUnavailable(error);
  }
}
