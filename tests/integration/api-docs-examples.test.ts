import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiEditExamples, apiExamples } from "../../lib/api/examples";
import { createApiKey } from "../../lib/api-keys/keys";
import { createUser } from "../support/db";
import { balanceOf } from "../support/generations";
import { openV1Test } from "../support/v1-server";

// The examples /docs/api shows are run as written, against the /v1 handlers on the demo source.

const run = promisify(execFile);
const { db, server } = await openV1Test();
// Inside the checkout, so that `import "openai"` resolves from its node_modules.
const scratch = mkdtempSync(path.join(import.meta.dirname, "..", ".examples-"));

beforeAll(async () => {
  // The file the edit examples send.
  const photo = await sharp({ create: { width: 32, height: 32, channels: 3, background: "#3060a0" } })
    .png()
    .toBuffer();
  writeFileSync(path.join(scratch, "photo.png"), photo);
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
});

async function apiKeyEnv(credits: number) {
  const user = await createUser(db, { credits });
  const created = await createApiKey(db, { userId: user.id, name: "docs", scopes: ["generate", "read"] });
  if (!created.ok) throw new Error(created.message);
  return { user, env: { ...process.env, ATELIER_API_KEY: created.secret } };
}

describe("the examples on /docs/api", () => {
  it("curl generates an image and prints OpenAI's answer with a signed link", async () => {
    const { user, env } = await apiKeyEnv(40);
    const { curl } = apiExamples(`${server.url}/v1`);
    const { stdout } = await run("bash", ["-c", curl], { env, timeout: 120_000 });
    const body = JSON.parse(stdout) as { data: { url: string }[] };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]?.url).toContain("/v1/files/");
    expect(await balanceOf(db, user.id)).toBe(36);
  });

  it("the JavaScript example, with the openai package, prints the image's link", async () => {
    const { user, env } = await apiKeyEnv(40);
    const file = path.join(scratch, "example.mjs");
    writeFileSync(file, apiExamples(`${server.url}/v1`).javascript);
    const { stdout } = await run(process.execPath, [file], { env, timeout: 120_000 });
    expect(stdout.trim()).toMatch(new RegExp(`^${server.url}/v1/files/[a-z0-9]+\\?expires=\\d+&signature=`));
    expect(await balanceOf(db, user.id)).toBe(36);
  });

  it("the Python example is valid Python naming the same base URL", async () => {
    // The openai Python package cannot be installed on these machines (no PyPI), so this checks
    // the example compiles and calls the same endpoint the JavaScript one runs against.
    const { python } = apiExamples(`${server.url}/v1`);
    const file = path.join(scratch, "example.py");
    writeFileSync(file, python);
    await run("python3", ["-m", "py_compile", file], { timeout: 30_000 });
    expect(python).toContain(`base_url="${server.url}/v1"`);
    expect(python).toContain("client.images.generate(");
  });
});

describe("the edit examples on /docs/api", () => {
  it("curl sends photo.png as a multipart edit and prints OpenAI's answer", async () => {
    const { user, env } = await apiKeyEnv(40);
    const { curl } = apiEditExamples(`${server.url}/v1`);
    const { stdout } = await run("bash", ["-c", curl], { env, cwd: scratch, timeout: 120_000 });
    const body = JSON.parse(stdout) as { data: { url: string }[] };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]?.url).toContain("/v1/files/");
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(1);
    expect(await balanceOf(db, user.id)).toBe(36);
  });

  it("the JavaScript example edits with images.edit and toFile, and prints the image's link", async () => {
    const { user, env } = await apiKeyEnv(40);
    const file = path.join(scratch, "edit-example.mjs");
    writeFileSync(file, apiEditExamples(`${server.url}/v1`).javascript);
    const { stdout } = await run(process.execPath, [file], { env, cwd: scratch, timeout: 120_000 });
    expect(stdout.trim()).toMatch(new RegExp(`^${server.url}/v1/files/[a-z0-9]+\\?expires=\\d+&signature=`));
    expect(await db.referenceImage.count({ where: { userId: user.id } })).toBe(1);
    expect(await balanceOf(db, user.id)).toBe(36);
  });

  it("the Python edit example is valid Python calling images.edit", async () => {
    const { python } = apiEditExamples(`${server.url}/v1`);
    const file = path.join(scratch, "edit_example.py");
    writeFileSync(file, python);
    await run("python3", ["-m", "py_compile", file], { timeout: 30_000 });
    expect(python).toContain(`base_url="${server.url}/v1"`);
    expect(python).toContain("client.images.edit(");
  });
});
