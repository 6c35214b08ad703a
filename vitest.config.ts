import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["spec/**/*.spec.ts"],
    // The load spec runs on its own: npm run test:load (vitest.load.config.ts).
    exclude: [...configDefaults.exclude, "spec/load/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
