"use client";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ApiError, api } from "@/lib/api";

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [mode, setMode] = useState<"password" | "apiKey">("password");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn(mode === "password" ? { username, password } : { apiKey });
      router.replace(next);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "ERROR", String(err)));
      setBusy(false);
    }
  }

  return (
    <form className="login-card" onSubmit={onSubmit} aria-labelledby="login-title">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        HFT Platform
      </div>
      <h1 id="login-title">Sign in</h1>
      <p className="muted" style={{ marginTop: 0 }}>
        Use your account or an API key.
      </p>
      <div className="tabs" role="tablist" aria-label="Sign-in method" style={{ marginBottom: 14 }}>
        <button
          type="button"
          role="tab"
          className="tab"
          aria-selected={mode === "password"}
          onClick={() => setMode("password")}
        >
          Password
        </button>
        <button
          type="button"
          role="tab"
          className="tab"
          aria-selected={mode === "apiKey"}
          onClick={() => setMode("apiKey")}
        >
          API key
        </button>
      </div>
      {mode === "password" ? (
        <>
          <div className="field">
            <label htmlFor="username">Username</label>
            <input
              id="username"
              className="input"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              className="input"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
        </>
      ) : (
        <div className="field">
          <label htmlFor="apiKey">API key</label>
          <input
            id="apiKey"
            className="input num"
            autoComplete="off"
            required
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
          />
        </div>
      )}
      {error && (
        <div className="alert alert-error" role="alert">
          <code>{error.code}</code> {error.message}
        </div>
      )}
      <button type="submit" className="btn btn-primary submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
