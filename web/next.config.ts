import type { NextConfig } from "next";

// BACKEND_URL is read at request time by the route handlers (lib/server/backend.ts), never baked in here:
// rewrites() would be frozen into the build output.
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ["@hft/shared"],
  // the build type-checks the app only; e2e/, test/ and scripts/ are checked by `npm run typecheck -w @hft/web`
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // The web never calls the internet: fonts ship as local files, telemetry stays off (NEXT_TELEMETRY_DISABLED).
  images: { unoptimized: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default config;
