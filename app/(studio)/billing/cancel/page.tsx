import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/require-user";

export const metadata: Metadata = { title: "Checkout cancelled" };

export default async function CheckoutCancelPage() {
  await requireUser();
  return (
    <section aria-labelledby="page-title" className="flex flex-col gap-4">
      <h1 id="page-title" className="text-2xl font-semibold">
        Checkout cancelled
      </h1>
      <p>You left checkout before paying, so nothing was charged and your balance is unchanged.</p>
      <Link href="/billing" className={buttonClass("secondary", "self-start")}>
        Back to billing
      </Link>
    </section>
  );
}
