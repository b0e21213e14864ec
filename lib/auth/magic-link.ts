import type { EmailConfig } from "next-auth/providers";
import { sendMail } from "@/lib/mail";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Auth.js email provider: magic links through lib/mail (SMTP, or the local outbox). */
export function magicLinkProvider(): EmailConfig {
  return {
    id: "email",
    type: "email",
    name: "Email",
    maxAge: 24 * 60 * 60,
    async sendVerificationRequest({ identifier, url }) {
      const host = new URL(url).host;
      await sendMail({
        to: identifier,
        subject: `Sign in to Atelier`,
        text: `Sign in to Atelier (${host}):\n${url}\n\nThe link works once, for 24 hours. If you did not ask for it, ignore this mail.\n`,
        html: `<p>Sign in to Atelier (${escapeHtml(host)}):</p><p><a href="${escapeHtml(url)}">Sign in</a></p><p>The link works once, for 24 hours. If you did not ask for it, ignore this mail.</p>`,
      });
    },
  };
}
