import Link from "next/link";

const TABS = [
  { href: "/settings/api-keys", label: "API keys" },
  { href: "/settings/webhooks", label: "Webhooks" },
];

export default function SettingsLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Settings">
        <ul className="flex gap-2 border-b border-stone-200 text-sm dark:border-stone-800">
          {TABS.map((tab) => (
            <li key={tab.href}>
              <Link href={tab.href} className="inline-block px-3 py-2 font-medium hover:underline">
                {tab.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </div>
  );
}
