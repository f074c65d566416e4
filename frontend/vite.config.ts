import { fileURLToPath, URL } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The Django server `make up` (or `manage.py runserver`) starts; the dev server forwards to it
// every path the browser app does not own, so the session cookie stays same-origin. The Host
// header is kept: Django checks the Origin of a write against it (CSRF).
const backend = process.env.PLYNX_BACKEND_URL ?? "http://127.0.0.1:8000";
const proxied = ["/api", "/plynx", "/admin", "/static", "/health"];

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: Object.fromEntries(proxied.map((prefix) => [prefix, { target: backend, changeOrigin: false }])),
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Django serves dist/ at the site root: hashed files under /assets/ are cached forever.
    assetsDir: "assets",
    sourcemap: true,
  },
  test: {
    globals: true,
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["./src/testing/setup.ts"],
    restoreMocks: true,
  },
});
