import { type ChildProcess, spawn } from "node:child_process";
import os from "node:os";
import { expect, test } from "@playwright/test";
import { FULL_PORT, OWN_STUDIO_PORT } from "./support/constants";

// The real studio server (scripts/serve.ts + the production build) seen from another machine. This
// machine's own non-loopback address stands in for one: a request to it arrives from it, so the
// server sees a peer that is not loopback, exactly as it would a neighbour on the network.

function networkAddress(): string {
  const address = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
  if (!address) throw new Error("this test needs a non-loopback IPv4 address on this machine (e.g. eth0)");
  return address;
}

async function status(url: string, headers: Record<string, string> = {}): Promise<number | "refused"> {
  try {
    return (await fetch(url, { headers, redirect: "manual" })).status;
  } catch {
    return "refused";
  }
}

test.describe("a studio on your own machine", () => {
  test("listens on loopback only by default: the network cannot connect", async () => {
    expect(await status(`http://127.0.0.1:${FULL_PORT}/api/health`)).toBe(200);
    expect(await status(`http://${networkAddress()}:${FULL_PORT}/api/health`)).toBe("refused");
  });

  test.describe("with its outbox on, even when made to listen on every interface", () => {
    test.setTimeout(180_000);
    let server: ChildProcess | undefined;

    test.beforeAll(async () => {
      // Started as `npm start` would start it, minus the launcher's refusal to do exactly this.
      server = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
        env: {
          PATH: process.env.PATH ?? "",
          NODE_ENV: "production",
          ATELIER_EMBEDDED_DB: "1",
          RUN_WORKERS: "0",
          HOST: "0.0.0.0",
          PORT: String(OWN_STUDIO_PORT),
          AUTH_SECRET: "local-only-secret-local-only-secret-00",
        },
        stdio: ["ignore", "inherit", "inherit"],
      });
      const deadline = Date.now() + 150_000;
      while ((await status(`http://127.0.0.1:${OWN_STUDIO_PORT}/dev/outbox`)) === "refused") {
        if (Date.now() > deadline || server.exitCode !== null) throw new Error("the studio server did not start");
        await new Promise((r) => setTimeout(r, 500));
      }
    });

    test.afterAll(async () => {
      if (server && server.exitCode === null) {
        server.kill("SIGTERM");
        await new Promise((r) => server?.once("exit", r));
      }
    });

    test("the outbox answers loopback clients and no one else, whatever they claim", async () => {
      const local = `http://127.0.0.1:${OWN_STUDIO_PORT}/dev/outbox`;
      const remote = `http://${networkAddress()}:${OWN_STUDIO_PORT}/dev/outbox`;
      expect(await status(local)).toBe(200);
      expect(await status(local, { "x-forwarded-for": "203.0.113.9" })).toBe(200);
      expect(await status(remote)).toBe(404);
      expect(await status(remote, { "x-forwarded-for": "127.0.0.1" })).toBe(404);
      expect(await status(remote, { "x-atelier-peer": "127.0.0.1", "x-forwarded-for": "127.0.0.1" })).toBe(404);
    });
  });
});
