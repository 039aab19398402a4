import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/AppShell";
import { currentCredential } from "@/lib/server/backend";

// Every page in this group needs a session; the check is server side (the cookie is httpOnly).
export default async function AppLayout({ children }: { children: ReactNode }) {
  if (!(await currentCredential())) redirect("/login");
  return <AppShell>{children}</AppShell>;
}
