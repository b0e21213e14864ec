import http from "node:http";
import { DEMO_PORT } from "./constants";

/**
 * POSTs `head`, then zeros up to `totalBytes`, then `tail`, in 64 KB chunks without a
 * Content-Length (chunked), to the demo studio: only a streamed cap can refuse such a body. The
 * server may stop listening once it has answered; that is not a failure.
 */
export function postChunked({
  path,
  headers,
  head,
  totalBytes,
  tail = Buffer.alloc(0),
}: {
  path: string;
  headers: Record<string, string>;
  head: Buffer;
  totalBytes: number;
  tail?: Buffer | string;
}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: "localhost",
        port: DEMO_PORT,
        path,
        method: "POST",
        headers: { ...headers, "transfer-encoding": "chunked" },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.write(head);
    const chunk = Buffer.alloc(64 * 1024);
    for (let sent = head.length; sent < totalBytes; sent += chunk.length) req.write(chunk);
    req.end(tail);
  });
}
