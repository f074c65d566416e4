import { defineConfig } from "@playwright/test";

import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./e2e/chromium.mjs";
import { AUTH_STATE, REPORT, RESULTS } from "./e2e/paths";

// The suite runs against the real platform that tests/e2e_stack.py starts (make e2e does both):
// it names the server and the seeded data in these variables.
const baseURL = process.env.E2E_BASE_URL;
if (!baseURL || !process.env.E2E_SEED) {
  throw new Error(
    "E2E_BASE_URL and E2E_SEED are not set: run the browser suite with `make e2e` " +
      "(or `.venv/bin/python tests/e2e_stack.py -- npm --prefix frontend run e2e`).",
  );
}

export default defineConfig({
  testDir: "./e2e",
  outputDir: RESULTS,
  // Each spec waits on real runs; two at once keep the worker's two processes busy.
  workers: 2,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { outputFolder: REPORT, open: "never" }]],
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    // A control the page lacks fails its step in seconds, not at the test's timeout.
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    { name: "log-in", testMatch: /auth\.setup\.ts/ },
    {
      name: "chromium",
      testMatch: /.*\.spec\.ts/,
      dependencies: ["log-in"],
      use: { storageState: AUTH_STATE },
    },
  ],
});
