import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { Resolver } from "../../lib/http/pinned-request";
import { fetchImage, type HostRule, parseImageHosts } from "../../lib/images/fetch";
import { inspectImage } from "../../lib/images/ingest";
import { createAimlClient } from "../../lib/upstream/aiml-client";
import { UpstreamError } from "../../lib/upstream/types";
import { startFakeUpstream } from "../support/fake-upstream";

const upstream = await startFakeUpstream({ scale: 1 / 16 });
afterAll(() => upstream.close());
const testHost = parseImageHosts(upstream.url);

const client = createAimlClient({ apiKey: "test-key", baseUrl: upstream.url, timeoutMs: 5_000, maxRetries: 0 });

/** The first image link the fake upstream gives for `prompt`. */
async function linkFor(prompt: string): Promise<string> {
  const result = await client.generate(
    "bytedance/seedream-v4-text-to-image",
    { prompt, image_size: "square", num_images: 1, enable_safety_checker: true, sync_mode: false },
    {},
  );
  const image = result.images[0];
  if (image?.kind !== "url") throw new Error("expected a link");
  return image.url;
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const fixed =
  (table: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: net.isIP(address) === 6 ? 6 : 4 }));
  };

describe("parseImageHosts", () => {
  it("reads names, wildcards and exact test allowances", () => {
    expect(parseImageHosts(" fal.media, *.fal.media ,http://127.0.0.1:3901,")).toEqual<HostRule[]>([
      { kind: "name", name: "fal.media", subdomains: false },
      { kind: "name", name: "fal.media", subdomains: true },
      { kind: "exact", protocol: "http:", hostname: "127.0.0.1", port: "3901" },
    ]);
  });

  it.each([
    "https://cdn.example.com",
    "ftp://127.0.0.1:21",
    "http://127.0.0.1:3901/files",
    "fal.media/x",
    "*fal.media",
  ])("refuses the entry %s", (entry) => {
    expect(() => parseImageHosts(entry)).toThrow(/AIML_IMAGE_HOSTS/);
  });
});

describe("fetchImage", () => {
  it("downloads a link from an explicitly allowed test host", async () => {
    const bytes = await fetchImage(await linkFor("a fox"), { hosts: testHost });
    expect(inspectImage(bytes).contentType).toBe("image/png");
  });

  it("refuses hosts outside the allowlist before connecting", async () => {
    const link = await linkFor("elsewhere");
    expect((await failure(fetchImage(link, { hosts: parseImageHosts("fal.media,*.fal.media") }))).code).toBe(
      "unsafe_image_link",
    );
    // Same host, other port: an exact allowance is exactly one host:port.
    const otherPort = link.replace(`:${upstream.port}`, `:${upstream.port + 1}`);
    expect((await failure(fetchImage(otherPort, { hosts: testHost }))).code).toBe("unsafe_image_link");
    expect((await failure(fetchImage("not a url", { hosts: testHost }))).code).toBe("unsafe_image_link");
  });

  it("refuses plain http and odd ports for ordinary allowlist entries", async () => {
    const hosts = parseImageHosts("*.fal.media");
    const resolve = fixed({ "v3.fal.media": ["93.184.216.34"] });
    expect((await failure(fetchImage("http://v3.fal.media/a.png", { hosts, resolve }))).code).toBe("unsafe_image_link");
    expect((await failure(fetchImage("https://v3.fal.media:8443/a.png", { hosts, resolve }))).code).toBe(
      "unsafe_image_link",
    );
    // The wildcard covers subdomains only.
    expect((await failure(fetchImage("https://fal.media/a.png", { hosts, resolve }))).code).toBe("unsafe_image_link");
  });

  it("refuses the fake upstream's link to the cloud metadata address", async () => {
    const link = await linkFor("[[unsafe-link]]");
    expect(link).toContain("169.254.169.254");
    expect((await failure(fetchImage(link, { hosts: testHost }))).code).toBe("unsafe_image_link");
    const allowedByName = parseImageHosts("169.254.169.254");
    const https = link.replace("http://", "https://");
    expect((await failure(fetchImage(https, { hosts: allowedByName }))).code).toBe("unsafe_image_link");
  });

  it("refuses an allowed name that resolves to a private address (system DNS)", async () => {
    // localhost resolves to 127.0.0.1 / ::1 through the machine's own resolver.
    const error = await failure(fetchImage("https://localhost/a.png", { hosts: parseImageHosts("localhost") }));
    expect(error.code).toBe("unsafe_image_link");
  });

  it.each([
    ["10.1.2.3"],
    ["100.64.0.1"],
    ["169.254.169.254"],
    ["192.168.1.1"],
    ["::1"],
    ["fd00::1"],
    ["fe80::1"],
    ["::ffff:127.0.0.1"],
  ])("refuses an allowed name that resolves to %s", async (address) => {
    const resolve = fixed({ "cdn.fal.media": ["93.184.216.34", address] });
    const error = await failure(
      fetchImage("https://cdn.fal.media/a.png", { hosts: parseImageHosts("*.fal.media"), resolve }),
    );
    expect(error.code).toBe("unsafe_image_link");
  });

  it("connects to the address it checked, not to a second lookup", async () => {
    let lookups = 0;
    const resolve: Resolver = async () => {
      lookups++;
      return [{ address: "127.0.0.1", family: 4 }];
    };
    // images.test exists in no DNS: the download can only work through the pinned address.
    const link = (await linkFor("pinned")).replace("127.0.0.1", "images.test");
    const bytes = await fetchImage(link, { hosts: parseImageHosts(`http://images.test:${upstream.port}`), resolve });
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(lookups).toBe(1);
  });

  it("lets a test allowance reach loopback only, not other private addresses", async () => {
    const hosts = parseImageHosts("http://images.test:8080");
    const resolve = fixed({ "images.test": ["10.0.0.7"] });
    expect((await failure(fetchImage("http://images.test:8080/a.png", { hosts, resolve }))).code).toBe(
      "unsafe_image_link",
    );
  });

  it("reports a name that does not resolve as a failed download", async () => {
    const error = await failure(
      fetchImage("https://nowhere.fal.media/a.png", { hosts: parseImageHosts("*.fal.media"), resolve: fixed({}) }),
    );
    expect(error.code).toBe("download_failed");
  });

  it("follows a redirect on the same host, and only as many as allowed", async () => {
    const link = await linkFor("[[redirect]]");
    expect((await fetchImage(link, { hosts: testHost })).subarray(1, 4).toString()).toBe("PNG");
    expect((await failure(fetchImage(link, { hosts: testHost, maxRedirects: 0 }))).code).toBe("download_failed");
  });

  it("refuses a redirect to another host, even an allowed one", async () => {
    const link = await linkFor("[[redirect-offsite]]");
    const hosts = parseImageHosts(`${upstream.url},http://localhost:${upstream.port}`);
    expect((await failure(fetchImage(link, { hosts }))).code).toBe("unsafe_image_link");
  });

  it("enforces the size limit with and without Content-Length", async () => {
    for (const prompt of ["big", "[[chunked]] big"]) {
      const link = await linkFor(prompt);
      const size = (await fetchImage(link, { hosts: testHost })).length;
      const error = await failure(fetchImage(link, { hosts: testHost, maxBytes: size - 1 }));
      expect(error.code).toBe("not_an_image");
    }
  });

  it("gives up on a server that never answers", async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const error = await failure(
        fetchImage(`http://127.0.0.1:${port}/a.png`, {
          hosts: parseImageHosts(`http://127.0.0.1:${port}`),
          timeoutMs: 300,
        }),
      );
      expect(error.code).toBe("download_failed");
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });

  it("reports a missing file as a failed download", async () => {
    const error = await failure(fetchImage(`${upstream.url}/files/${"0".repeat(32)}.png`, { hosts: testHost }));
    expect(error).toMatchObject({ code: "download_failed", details: { status: 404 } });
  });

  it("passes HTML served as image/png through, for ingest to refuse by its bytes", async () => {
    const bytes = await fetchImage(await linkFor("[[not-image]]"), { hosts: testHost });
    expect(bytes.toString("utf8")).toContain("<html>");
    expect((await failure(Promise.resolve().then(() => inspectImage(bytes)))).code).toBe("not_an_image");
  });
});
