import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentUser, type SessionUser } from "@/lib/auth";

/** For studio pages: the signed-in user, or a redirect to sign-in that comes back here after. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (user) return user;
  const path = (await headers()).get("x-atelier-path") ?? "/studio";
  redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
}
