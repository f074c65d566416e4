// How the browser suite and the editor benchmark start Chromium: Debian's build (never one
// Playwright downloads), headless, with nothing that reaches out to the network on its own.

/** The system Chromium (Debian package `chromium`); CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
