import { UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER_SECONDS } from "@/lib/db-unavailable";

// The page a visitor gets while the database is down (a signed-in one on any page that needs it, anyone
// on a share page): HTTP 503 with Retry-After, and a way back to where they were. Plain HTML, so it
// renders without anything the outage took away.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function unavailablePage(options: {
  path: string;
  /** The visitor holds a session: tell them it is not lost. */
  signedIn: boolean;
  headers?: Record<string, string>;
}): Response {
  const path = /^\/(?!\/)/.test(options.path) ? options.path : "/studio";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Temporarily unavailable · Atelier</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:5rem auto;padding:0 1.5rem;line-height:1.5;color:#1c1917;background:#fafaf9}a{color:#6d28d9}</style>
</head>
<body>
<main id="main">
<h1>Atelier is temporarily unavailable</h1>
<p role="status">${escapeHtml(UNAVAILABLE_MESSAGE)}${options.signedIn ? " You are still signed in." : ""}</p>
<p><a href="${escapeHtml(path)}">Try again</a></p>
</main>
</body>
</html>
`;
  return new Response(html, {
    status: 503,
    headers: {
      ...options.headers,
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS),
    },
  });
}
