import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInWith } from "@/app/(auth)/actions";
import { EmailForm } from "@/app/(auth)/signin/email-form";
import { buttonClass } from "@/components/ui/button";
import { currentUser } from "@/lib/auth";
import { oauthChoices } from "@/lib/auth/providers";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  OAuthAccountNotLinked:
    "That email already belongs to an account that signs in another way. Sign in with the method you used before.",
  Verification: "That sign-in link has expired or was already used. Ask for a new one below.",
  AccessDenied: "Sign-in was cancelled or refused.",
  Configuration: "Sign-in is misconfigured on our side. Please try again later.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const raw = typeof params.callbackUrl === "string" ? params.callbackUrl : "/studio";
  const callbackUrl = /^\/(?!\/)/.test(raw) ? raw : "/studio";
  if (await currentUser()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? (ERRORS[params.error] ?? "Sign-in failed. Please try again.") : null;
  const choices = oauthChoices();
  return (
    <main id="main" className="mx-auto flex max-w-sm flex-col gap-6 px-6 py-20">
      <h1 className="text-2xl font-semibold">Sign in to Atelier</h1>
      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      ) : null}
      <EmailForm callbackUrl={callbackUrl} />
      {choices.length > 0 ? (
        <div className="flex flex-col gap-3">
          <p className="text-center text-sm text-stone-500">or</p>
          {choices.map((c) => (
            <form key={c.id} action={signInWith}>
              <input type="hidden" name="provider" value={c.id} />
              <input type="hidden" name="callbackUrl" value={callbackUrl} />
              <button type="submit" className={buttonClass("secondary", "w-full")}>
                Continue with {c.name}
              </button>
            </form>
          ))}
        </div>
      ) : null}
    </main>
  );
}
