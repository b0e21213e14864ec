import { randomUUID } from "node:crypto";

// Every API response carries X-Request-Id: the caller's own when it sent a sensible one (so it
// can correlate its logs with ours), otherwise one made here.
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function requestIdOf(request: Request): string {
  const sent = request.headers.get("x-request-id");
  return sent && CLIENT_ID.test(sent) ? sent : `req_${randomUUID().replaceAll("-", "")}`;
}
