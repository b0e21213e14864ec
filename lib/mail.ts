import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createTransport } from "nodemailer";
import { z } from "zod";
import { env, outboxEnabled } from "@/lib/env";

export type Mail = { to: string; subject: string; text: string; html: string };

const outboxMail = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  sentAt: z.string(),
});
export type OutboxMail = z.infer<typeof outboxMail>;

function outboxDir(): string {
  return path.join(env().DATA_DIR, "outbox");
}

/** Sends through EMAIL_SERVER; with no SMTP server on a developer's machine, keeps it in the local outbox. */
export async function sendMail(mail: Mail): Promise<void> {
  const e = env();
  if (e.EMAIL_SERVER) {
    const transport = createTransport(e.EMAIL_SERVER);
    const result = await transport.sendMail({ from: e.EMAIL_FROM, ...mail });
    const failed = [...(result.rejected ?? [])].filter(Boolean);
    if (failed.length > 0) throw new Error(`the mail server refused ${failed.join(", ")}`);
    return;
  }
  if (!outboxEnabled(e)) throw new Error("EMAIL_SERVER is not configured");
  const sentAt = new Date().toISOString();
  const id = `${sentAt.replace(/[:.]/g, "-")}-${Math.random().toString(36).slice(2, 8)}`;
  await mkdir(outboxDir(), { recursive: true });
  await writeFile(path.join(outboxDir(), `${id}.json`), JSON.stringify({ id, sentAt, ...mail }));
}

/** The newest mails first; only for the development outbox page. */
export async function readOutbox(limit = 50): Promise<OutboxMail[]> {
  let names: string[];
  try {
    names = await readdir(outboxDir());
  } catch {
    return [];
  }
  const newest = names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .reverse()
    .slice(0, limit);
  const mails = await Promise.all(
    newest.map(async (n) => outboxMail.safeParse(JSON.parse(await readFile(path.join(outboxDir(), n), "utf8")))),
  );
  return mails.flatMap((m) => (m.success ? [m.data] : []));
}
