import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    // One emulator process for the whole run; every end-to-end test works in its own fresh space.
    globalSetup: ["./global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Fail on unhandled rejections instead of reporting them as a side note.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
