import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { currentUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { type Env, env } from "@/lib/env";

export type Admin = { id: string; email: string };

export function isAdminEmail(email: string | null | undefined, e: Env = env()): boolean {
  return Boolean(email) && e.ADMIN_EMAILS.includes((email ?? "").trim().toLowerCase());
}

/**
 * The signed-in user when their account's email is listed in ADMIN_EMAILS, else null. The email
 * is read from the account row, not the session: a session shows a provider's display name when
 * there is no email, and a name must never pass for an admin's address.
 */
export const currentAdmin = cache(async (): Promise<Admin | null> => {
  const user = await currentUser();
  if (!user) return null;
  const account = await db().user.findUnique({ where: { id: user.id }, select: { email: true } });
  if (!account?.email || !isAdminEmail(account.email)) return null;
  return { id: user.id, email: account.email };
});

/**
 * For every admin page and action: the admin, or a 404. Signed-out visitors and signed-in
 * non-admins see the same "not found" as for any unknown address, so the area's existence is not
 * revealed (no redirect to sign-in).
 */
export async function requireAdmin(): Promise<Admin> {
  const admin = await currentAdmin();
  if (!admin) notFound();
  return admin;
}
