import http from "node:http";
import Provider from "oidc-provider";

/**
 * A real OpenID Connect provider (the `oidc-provider` package) with its development login
 * screens: any login name is accepted and becomes `<login>` as a verified email address.
 */
export async function startOidcIssuer(options: {
  port: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}) {
  const issuer = `http://127.0.0.1:${options.port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    pkce: { required: () => true },
    // Put the granted claims (email) in the ID token, which is what Auth.js reads for OIDC.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, email: sub, email_verified: true, name: sub.split("@")[0] };
        },
      };
    },
    cookies: { keys: ["atelier-e2e-cookie-key"] },
  });
  provider.proxy = false;
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", () => resolve()));
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
