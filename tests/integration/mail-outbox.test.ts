import { describe, expect, it } from "vitest";
import { magicLinkProvider } from "../../lib/auth/magic-link";
import { readOutbox } from "../../lib/mail";
import { startSmtpCapture } from "../support/smtp-capture";

type VerificationParams = Parameters<ReturnType<typeof magicLinkProvider>["sendVerificationRequest"]>[0];

function params(identifier: string, url: string): VerificationParams {
  return {
    identifier,
    url,
    expires: new Date(),
    token: "t",
    provider: magicLinkProvider(),
    theme: {},
    request: new Request(url),
  };
}

describe("magic-link mail", () => {
  it("goes to the development outbox when no SMTP server is configured", async () => {
    const provider = magicLinkProvider();
    await provider.sendVerificationRequest(
      params("ada@example.com", "http://localhost:3000/api/auth/callback/email?token=abc"),
    );
    const [mail] = await readOutbox();
    expect(mail?.to).toBe("ada@example.com");
    expect(mail?.text).toContain("http://localhost:3000/api/auth/callback/email?token=abc");
  });

  it("goes through EMAIL_SERVER when it is set", async () => {
    const smtp = await startSmtpCapture({ port: 39_871 });
    const { env } = await import("../../lib/env");
    const before = env();
    Object.assign(before, { EMAIL_SERVER: smtp.url, EMAIL_FROM: "Atelier <no-reply@atelier.test>" });
    try {
      await magicLinkProvider().sendVerificationRequest(
        params("grace@example.com", "http://localhost:3000/api/auth/callback/email?token=xyz"),
      );
      const mail = smtp.latestTo("grace@example.com");
      expect(mail?.subject).toBe("Sign in to Atelier");
      expect(mail?.text).toContain("token=xyz");
      expect(mail?.from).toContain("no-reply@atelier.test");
    } finally {
      Object.assign(before, { EMAIL_SERVER: undefined });
      await smtp.close();
    }
  });
});
