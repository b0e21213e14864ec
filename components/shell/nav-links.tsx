"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/studio", label: "Studio" },
  { href: "/history", label: "History" },
  { href: "/billing", label: "Billing" },
  { href: "/settings/api-keys", label: "Settings" },
];

export function NavLinks() {
  const pathname = usePathname();
  return (
    <ul className="flex gap-1">
      {LINKS.map((link) => {
        const section = link.href.split("/").slice(0, 2).join("/");
        const current = pathname === link.href || pathname.startsWith(`${section}/`);
        return (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={current ? "page" : undefined}
              className={`rounded-lg px-3 py-2 text-sm font-medium ${current ? "bg-stone-200 dark:bg-stone-800" : "hover:bg-stone-200/60 dark:hover:bg-stone-800/60"}`}
            >
              {link.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
