import type { Provider } from "next-auth/providers";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { magicLinkProvider } from "@/lib/auth/magic-link";
import { type Env, env } from "@/lib/env";

export type OAuthChoice = { id: string; name: string };

/** The sign-in methods this deployment offers: email always, others when configured. */
export function authProviders(e: Env = env()): Provider[] {
  const providers: Provider[] = [magicLinkProvider()];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) {
    providers.push(GitHub({ clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET }));
  }
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET) {
    providers.push(Google({ clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET }));
  }
  if (e.AUTH_OIDC_ISSUER && e.AUTH_OIDC_ID && e.AUTH_OIDC_SECRET) {
    providers.push({
      id: "oidc",
      name: e.AUTH_OIDC_NAME,
      type: "oidc",
      issuer: e.AUTH_OIDC_ISSUER,
      clientId: e.AUTH_OIDC_ID,
      clientSecret: e.AUTH_OIDC_SECRET,
      checks: ["pkce", "state", "nonce"],
    });
  }
  return providers;
}

export function oauthChoices(e: Env = env()): OAuthChoice[] {
  const choices: OAuthChoice[] = [];
  if (e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET) choices.push({ id: "github", name: "GitHub" });
  if (e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET) choices.push({ id: "google", name: "Google" });
  if (e.AUTH_OIDC_ISSUER && e.AUTH_OIDC_ID && e.AUTH_OIDC_SECRET) choices.push({ id: "oidc", name: e.AUTH_OIDC_NAME });
  return choices;
}
