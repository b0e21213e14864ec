// The world the end-to-end tests run in: local stand-ins for every third party, and three studios
// from one production build, each on a fresh database of its own (the third behind a TCP proxy
// that tests cut to simulate a database outage); then, from the same build's standalone bundle, the
// deployed topology (two web servers without workers and one worker process on a shared database).
// Playwright starts this as its web server and stops it (SIGTERM) after the run.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../../lib/embedded-postgres";
import { migrate } from "../../../lib/migrate";
import { type OutageProxy, startOutageProxy } from "../../support/db-outage-proxy";
import { startFakeStripe } from "../../support/fake-stripe";
import { startFakeUpstream } from "../../support/fake-upstream";
import { startOidcIssuer } from "../../support/oidc-issuer";
import { startSmtpCapture } from "../../support/smtp-capture";
import * as c from "./constants";

type Closable = { close(): Promise<void> };
const closers: (() => Promise<void>)[] = [];
const children: ChildProcess[] = [];
let ready = false;
let outageProxy: OutageProxy | undefined;

async function createDatabase(): Promise<string | undefined> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return undefined; // the launcher starts an embedded PostgreSQL
  const name = `atelier_e2e_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  closers.push(async () => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`studio at ${url} exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`studio at ${url} did not become healthy within ${timeoutMs} ms`);
}

/** A database behind a TCP proxy the tests can cut: on TEST_DATABASE_URL, or an embedded server. */
async function createOutageDatabase(): Promise<string> {
  let url = await createDatabase();
  if (!url) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "atelier-e2e-outage-db-"));
    const embedded = await startEmbeddedPostgres({ dataDir });
    closers.push(async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    url = embedded.url;
  }
  outageProxy = await startOutageProxy(url, c.OUTAGE_DB_PROXY_PORT);
  closers.push(outageProxy.close);
  return outageProxy.url;
}

async function startStudio(
  name: string,
  port: number,
  extraEnv: Record<string, string>,
  databaseUrl?: string,
): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `atelier-e2e-${name}-`));
  closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  databaseUrl ??= await createDatabase();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e",
    AUTH_URL: undefined,
    EMAIL_SERVER: `smtp://127.0.0.1:${c.SMTP_PORT}`,
    EMAIL_FROM: "Atelier <no-reply@atelier.test>",
    AUTH_OIDC_ISSUER: c.OIDC_ISSUER,
    AUTH_OIDC_ID: c.OIDC_CLIENT_ID,
    AUTH_OIDC_SECRET: c.OIDC_CLIENT_SECRET,
    AUTH_OIDC_NAME: "Local OpenID",
    SIGNUP_GRANT_CREDITS: "40",
    // Every test signs in from 127.0.0.1: the per-IP sign-in limit would stop the suite, not an attacker.
    RATE_LIMIT_SIGNIN_EMAIL_PER_IP: "1000/10m",
    ...extraEnv,
  };
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(child);
  await waitForHealth(`http://localhost:${port}`, child, 300_000);
  console.log(`[e2e] ${name} studio ready on http://localhost:${port}`);
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${url} exited with code ${child.exitCode}`);
    const res = await fetch(`${url}/api/ready`).catch(() => null);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}

/**
 * Two web servers run as a deployment runs them (`node server.js` from the standalone bundle, with
 * public/ and .next/static copied beside it as the Dockerfile does) with RUN_WORKERS=0, and one
 * `npm run worker`, sharing a database and an image folder (standing in for the bucket).
 */
async function startTopology(): Promise<void> {
  const bundle = path.join(".next", "standalone");
  if (!existsSync(path.join(bundle, "server.js"))) throw new Error("no standalone bundle: is output 'standalone' set?");
  cpSync("public", path.join(bundle, "public"), { recursive: true });
  cpSync(path.join(".next", "static"), path.join(bundle, ".next", "static"), { recursive: true });

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "atelier-e2e-topology-"));
  closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  let databaseUrl = await createDatabase();
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres") });
    closers.push(embedded.stop);
    databaseUrl = embedded.url;
  }
  await migrate(databaseUrl);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    STORAGE_DIR: path.join(dataDir, "images"),
    AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e",
    AUTH_URL: undefined,
    EMAIL_SERVER: `smtp://127.0.0.1:${c.SMTP_PORT}`,
    EMAIL_FROM: "Atelier <no-reply@atelier.test>",
    SIGNUP_GRANT_CREDITS: "40",
    RUN_WORKERS: "0",
    GENERATION_CONCURRENCY: "2",
    HOSTNAME: "127.0.0.1",
  };
  const spawnChild = (args: string[], extra: Record<string, string>) => {
    const child = spawn(process.execPath, args, { env: { ...env, ...extra }, stdio: ["ignore", "inherit", "inherit"] });
    children.push(child);
    return child;
  };
  const worker = spawnChild(["--import", "tsx", "scripts/worker.ts"], {});
  const webs = [
    { url: c.WEB_A_URL, child: spawnChild([path.join(bundle, "server.js")], { PORT: String(c.WEB_A_PORT) }) },
    { url: c.WEB_B_URL, child: spawnChild([path.join(bundle, "server.js")], { PORT: String(c.WEB_B_PORT) }) },
  ];
  await Promise.all(webs.map((web) => waitForReady(web.url, web.child, 120_000)));
  if (worker.exitCode !== null) throw new Error(`the worker exited with code ${worker.exitCode}`);
  console.log(`[e2e] topology ready: web ${c.WEB_A_URL} and ${c.WEB_B_URL}, one worker`);
}

function startControl(smtp: Awaited<ReturnType<typeof startSmtpCapture>>): Promise<Closable> {
  // Lets tests read the mail the studio sent: GET /mail?to=address -> the newest mail to them.
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", c.CONTROL_URL);
    if (url.pathname === "/mail") {
      const mail = smtp.latestTo(url.searchParams.get("to") ?? "");
      res.writeHead(mail ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(mail ?? { error: "no mail" }));
      return;
    }
    // The outage studio's database connection: POST /database/cut and /database/restore.
    if (url.pathname === "/database/cut" || url.pathname === "/database/restore") {
      if (!outageProxy || req.method !== "POST") return void res.writeHead(404).end();
      if (url.pathname === "/database/cut") outageProxy.cut();
      else outageProxy.restore();
      return void res.writeHead(204).end();
    }
    // Playwright waits on this: it answers only once both studios are up.
    if (url.pathname === "/health") res.writeHead(ready ? 200 : 503).end();
    else res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(c.CONTROL_PORT, "127.0.0.1", () =>
      resolve({ close: () => new Promise<void>((r) => server.close(() => r())) }),
    ),
  );
}

async function main() {
  const smtp = await startSmtpCapture({ port: c.SMTP_PORT });
  closers.push(smtp.close);
  const oidc = await startOidcIssuer({
    port: c.OIDC_PORT,
    clientId: c.OIDC_CLIENT_ID,
    clientSecret: c.OIDC_CLIENT_SECRET,
    redirectUris: [
      `${c.DEMO_URL}/api/auth/callback/oidc`,
      `${c.FULL_URL}/api/auth/callback/oidc`,
      `${c.OUTAGE_URL}/api/auth/callback/oidc`,
    ],
  });
  closers.push(oidc.close);
  const upstream = await startFakeUpstream({ port: c.FAKE_UPSTREAM_PORT });
  closers.push(upstream.close);
  const stripe = await startFakeStripe({ port: c.FAKE_STRIPE_PORT });
  closers.push(stripe.close);
  const control = await startControl(smtp);
  closers.push(control.close);

  // One after the other: the first launch builds when sources changed, the second reuses it.
  await startStudio("demo", c.DEMO_PORT, {});
  await startStudio("full", c.FULL_PORT, {
    AIML_API_KEY: c.AIML_API_KEY,
    AIML_API_BASE_URL: c.FAKE_UPSTREAM_URL,
    AIML_IMAGE_HOSTS: `fal.media,*.fal.media,${c.FAKE_UPSTREAM_URL}`,
    STRIPE_SECRET_KEY: c.STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: c.STRIPE_WEBHOOK_SECRET,
    STRIPE_API_BASE: c.FAKE_STRIPE_URL,
    ADMIN_EMAILS: c.ADMIN_EMAIL,
    // The demo studio keeps production's default (enforced); this one lets users choose.
    SAFETY_CHECKER: "user-choice",
    // Small and short, so that rate-limits.spec.ts reaches it in one burst and other specs' share
    // views are not held up for more than a few seconds.
    RATE_LIMIT_SHARE_PAGE_PER_IP: "12/5s",
  });
  // An operator too: the admin pages answer an outage like the studio's.
  await startStudio("outage", c.OUTAGE_PORT, { ADMIN_EMAILS: c.ADMIN_EMAIL }, await createOutageDatabase());
  await startTopology();
  ready = true;
  console.log("[e2e] stack ready");
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  }
  for (const close of closers.reverse()) await close().catch((e: unknown) => console.error("[e2e] cleanup:", e));
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

main().catch(async (error: unknown) => {
  console.error("[e2e] stack failed to start:", error);
  await stop();
  process.exit(1);
});
