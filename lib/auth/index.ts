import "server-only";
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth from "next-auth";
import { cache } from "react";
import { authProviders } from "@/lib/auth/providers";
import { replaceVerificationToken } from "@/lib/auth/verification-tokens";
import { grantSignupCredits } from "@/lib/credits/signup-grant";
import { db } from "@/lib/db";
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

/** The signed-in user for this request (one database read per request), or null. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return { id, email: session.user?.email ?? session.user?.name ?? "Signed in" };
});
