// A local stand-in for an S3-compatible bucket, enough for lib/storage/s3.ts driven by the real
// AWS SDK: PutObject, GetObject and DeleteObjects, path-style addressing only
// (http://127.0.0.1:PORT/<bucket>/<key>). Requests must be SigV4-signed with the configured access
// key id (the signature itself is not recomputed). Objects live in memory.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeS3Options = { port?: number; bucket?: string; accessKeyId?: string };

export type FakeS3 = {
  url: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  objects: Map<string, { body: Buffer; contentType: string | undefined }>;
  /** The operations received, in order ("PutObject", "GetObject", "DeleteObjects"). */
  operations: string[];
  close(): Promise<void>;
};

export async function startFakeS3(options: FakeS3Options = {}): Promise<FakeS3> {
  const bucket = options.bucket ?? "atelier-test";
  const accessKeyId = options.accessKeyId ?? "AKIATESTFAKES3";
  const objects: FakeS3["objects"] = new Map();
  const operations: string[] = [];

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("fake s3:", error);
      xml(res, 500, errorXml("InternalError", "fake s3 failed"));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake-s3");
    const body = await readBody(req);
    if (!req.headers.authorization?.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) {
      return xml(res, 403, errorXml("AccessDenied", "Access Denied"));
    }
    const [, bucketName = "", ...keyParts] = url.pathname.split("/");
    if (bucketName !== bucket) return xml(res, 404, errorXml("NoSuchBucket", "The specified bucket does not exist"));
    const key = keyParts.map(decodeURIComponent).join("/");

    if (req.method === "POST" && url.searchParams.has("delete")) {
      operations.push("DeleteObjects");
      const keys = [...body.toString("utf8").matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => decodeXml(m[1] ?? ""));
      for (const k of keys) objects.delete(k);
      const quiet = /<Quiet>true<\/Quiet>/.test(body.toString("utf8"));
      const deleted = quiet ? "" : keys.map((k) => `<Deleted><Key>${encodeXml(k)}</Key></Deleted>`).join("");
      return xml(res, 200, `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${deleted}</DeleteResult>`);
    }
    if (!key) return xml(res, 400, errorXml("InvalidRequest", "missing key"));
    if (req.method === "PUT") {
      operations.push("PutObject");
      objects.set(key, { body, contentType: req.headers["content-type"] });
      res.writeHead(200, { etag: `"${body.length}"` }).end();
      return;
    }
    if (req.method === "GET") {
      operations.push("GetObject");
      const object = objects.get(key);
      if (!object) return xml(res, 404, errorXml("NoSuchKey", "The specified key does not exist."));
      res
        .writeHead(200, {
          "content-type": object.contentType ?? "application/octet-stream",
          "content-length": object.body.length,
        })
        .end(object.body);
      return;
    }
    xml(res, 405, errorXml("MethodNotAllowed", "not supported by the fake"));
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId,
    secretAccessKey: "fake-secret",
    objects,
    operations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function xml(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { "content-type": "application/xml" }).end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
}

function errorXml(code: string, message: string): string {
  return `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function encodeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
