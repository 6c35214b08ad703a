import { defineConfig } from "vitest/config";

/**
 * The load spec (`npm run test:load`): kept out of `npm test` because it runs for about 40 s and
 * measures the machine as much as the code. See docs/reliability.md.
 */
export default defineConfig({
  test: {
    include: ["spec/load/**/*.spec.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
