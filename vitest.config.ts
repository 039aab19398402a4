import { defineConfig } from "vitest/config";

// One test command for the whole monorepo (`npm test`). Each area is a vitest project so it can be run alone:
//   npx vitest run --project engine
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/test/**/*.test.ts", "proto/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "engine",
          include: ["services/engine/test/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "backend",
          include: ["services/backend/test/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "web",
          include: ["web/test/**/*.test.{ts,tsx}"],
        },
      },
      {
        test: {
          name: "k8s",
          include: ["k8s-tests/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
