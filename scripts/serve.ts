// The studio's HTTP server: Next.js behind a plain Node server that records each request's socket
// peer in PEER_HEADER with this process's marker (overwriting anything a client sent under those
// names), so that the outbox and
// the per-IP limits know who is really calling. Started by scripts/start.ts with HOST and PORT set.
import http from "node:http";
import next from "next";
import { peerStamp } from "../lib/http/client-address";
import { afterShutdown } from "../lib/shutdown";

const dev = process.argv.includes("--dev");
const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);

const server = http.createServer();
const app = next({ dev, hostname: host, port, httpServer: server });
const handle = app.getRequestHandler();

await app.prepare();
server.on("request", (req, res) => {
  Object.assign(req.headers, peerStamp(req.socket.remoteAddress ?? ""));
  void handle(req, res);
});
server.listen(port, host, () => console.log(`  ▲ Ready on http://${host.includes(":") ? `[${host}]` : host}:${port}`));

const close = () => server.close(() => void app.close().finally(() => process.exit(0)));
// After the background work drained (instrumentation.ts installs the drain during prepare()).
afterShutdown(close);
