import type { Metadata } from "next";
import { LoginForm } from "@/components/LoginForm";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // only same-site paths: never redirect to another origin after sign-in
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/trade/AAPL";
  return (
    <main className="login-wrap">
      <LoginForm next={target} />
    </main>
  );
}
