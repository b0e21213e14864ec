import "server-only";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { cookies } from "next/headers";
import NextAuth from "next-auth";
import { cache } from "react";
import { authProviders } from "@/lib/auth/providers";
import { replaceVerificationToken } from "@/lib/auth/verification-tokens";
import { grantSignupCredits } from "@/lib/credits/signup-grant";
import { db } from "@/lib/db";
import { DatabaseUnavailableError } from "@/lib/db-unavailable";
import { env } from "@/lib/env";

// Lazy: configuration is read per request, so `next build` needs no secrets.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const e = env();
  return {
    adapter: { ...PrismaAdapter(db()), createVerificationToken: (token) => replaceVerificationToken(db(), token) },
    session: { strategy: "database", maxAge: 30 * 24 * 60 * 60 },
    secret: e.AUTH_SECRET,
    trustHost: true,
    providers: authProviders(e),
    pages: { signIn: "/signin", verifyRequest: "/signin/check-email", error: "/signin" },
    events: {
      async createUser({ user }) {
        if (user.id) await grantSignupCredits(db(), user.id);
      },
    },
    callbacks: {
      session({ session, user }) {
        session.user.id = user.id;
        return session;
      },
    },
  };
});

/** `email` is what the header shows; an OpenID issuer may withhold the address, then the name stands in. */
export type SessionUser = { id: string; email: string };

const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"];

/**
 * The signed-in user for this request (one database read per request), or null when there is no
 * valid session. Throws DatabaseUnavailableError when the session could not be looked up: Auth.js
 * logs a failed lookup and answers "no session", which would tell a signed-in user that they are
 * signed out whenever the database blinks.
 */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (id) return { id, email: session.user?.email ?? session.user?.name ?? "Signed in" };
  const jar = await cookies();
  const token = SESSION_COOKIES.map((name) => jar.get(name)?.value).find(Boolean);
  if (!token) return null;
  // A cookie but no session: either the session is gone (signed out, expired) or the lookup failed.
  let stored: { expires: Date } | null;
  try {
    stored = await db().session.findUnique({ where: { sessionToken: token }, select: { expires: true } });
  } catch (error) {
    throw new DatabaseUnavailableError(error);
  }
  if (stored && stored.expires.getTime() > Date.now()) throw new DatabaseUnavailableError();
  return null;
});
