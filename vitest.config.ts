import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Corpus sweeps run many onnxruntime sessions; give them room but keep the default run bounded.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
