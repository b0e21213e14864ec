// Addresses of the end-to-end stack (tests/e2e/support/stack.ts). E2E_PORT_OFFSET shifts every port
// so that two checkouts can run their end-to-end suites on one machine at once.
const offset = Number.parseInt(process.env.E2E_PORT_OFFSET ?? "0", 10) || 0;
export const DEMO_PORT = 3100 + offset;
export const FULL_PORT = 3200 + offset;
export const DEMO_URL = `http://localhost:${DEMO_PORT}`;
export const FULL_URL = `http://localhost:${FULL_PORT}`;
/** A studio server a test starts on its own (tests/e2e/local-only.spec.ts). */
export const OWN_STUDIO_PORT = 3300 + offset;
/** A third studio whose database connection tests can cut (tests/e2e/outage.spec.ts). */
export const OUTAGE_PORT = 3400 + offset;
export const OUTAGE_URL = `http://localhost:${OUTAGE_PORT}`;
export const OUTAGE_DB_PROXY_PORT = 3905 + offset;
export const FAKE_UPSTREAM_PORT = 3901 + offset;
export const FAKE_UPSTREAM_URL = `http://127.0.0.1:${FAKE_UPSTREAM_PORT}`;
export const FAKE_STRIPE_PORT = 3902 + offset;
export const FAKE_STRIPE_URL = `http://127.0.0.1:${FAKE_STRIPE_PORT}`;
export const OIDC_PORT = 3903 + offset;
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
export const OIDC_CLIENT_ID = "atelier-e2e";
export const OIDC_CLIENT_SECRET = "atelier-e2e-secret-atelier-e2e-secret";
export const SMTP_PORT = 3904 + offset;
export const CONTROL_PORT = 3999 + offset;
export const CONTROL_URL = `http://127.0.0.1:${CONTROL_PORT}`;
export const AIML_API_KEY = "test-key";
export const STRIPE_SECRET_KEY = "sk_test_e2e";
export const STRIPE_WEBHOOK_SECRET = "whsec_e2e";
/** The one account the full studio lists in ADMIN_EMAILS. */
export const ADMIN_EMAIL = "admin@atelier.test";
// The deployed topology (docs/deploy.md): two web servers from the standalone bundle with
// RUN_WORKERS=0 and one `npm run worker`, on one database and one image store.
export const WEB_A_PORT = 3500 + offset;
export const WEB_B_PORT = 3501 + offset;
export const WEB_A_URL = `http://localhost:${WEB_A_PORT}`;
export const WEB_B_URL = `http://localhost:${WEB_B_PORT}`;
