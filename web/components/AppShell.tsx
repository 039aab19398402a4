"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { api } from "@/lib/api";
import { LiveProvider, useLive } from "@/lib/live";

const NAV = [
  { href: "/trade/AAPL", match: "/trade", label: "Trade" },
  { href: "/orders", match: "/orders", label: "Orders" },
  { href: "/portfolio", match: "/portfolio", label: "Portfolio" },
  { href: "/risk", match: "/risk", label: "Risk" },
  { href: "/status", match: "/status", label: "Status" },
];

function LiveIndicator() {
  const { state } = useLive();
  return (
    <span className="live-dot" data-state={state} data-testid="live-state" title="Live updates">
      {state === "live" ? "Live" : state === "connecting" ? "Connecting" : "Reconnecting"}
    </span>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  async function signOut() {
    try {
      await api.signOut();
    } finally {
      router.replace("/login");
      router.refresh();
    }
  }
  return (
    <LiveProvider>
      <div className="shell">
        <header className="topbar">
          <Link href="/trade/AAPL" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            <span className="brand-name">HFT Platform</span>
          </Link>
          <nav className="nav" aria-label="Main">
            {NAV.map((n) => (
              <Link
                key={n.href}
                href={n.href}
                aria-current={pathname.startsWith(n.match) ? "page" : undefined}
              >
                {n.label}
              </Link>
            ))}
          </nav>
          <div className="topbar-right">
            <LiveIndicator />
            <button type="button" className="btn btn-small" onClick={signOut}>
              Sign out
            </button>
          </div>
        </header>
        <main className="main">{children}</main>
      </div>
    </LiveProvider>
  );
}
