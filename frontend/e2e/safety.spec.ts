// The web app keeps credentials out of reach of scripts and other sites, and ships no secret.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { request } from "@playwright/test";

import { expect, seed, test } from "./support";

const OTHER_ORIGIN = "http://other-site.example";

/** Every file the server hands a browser for the app: index.html and the built assets. */
async function servedApp(baseURL: string): Promise<Map<string, string>> {
  const anonymous = await request.newContext({ baseURL });
  const files = new Map<string, string>();
  const index = await anonymous.get("/");
  expect(index.status()).toBe(200);
  files.set("/", await index.text());
  const dist = fileURLToPath(new URL("../dist/assets/", import.meta.url));
  for (const name of readdirSync(dist)) {
    const response = await anonymous.get(`/assets/${name}`);
    expect(response.status(), `/assets/${name}`).toBe(200);
    files.set(`/assets/${name}`, (await response.body()).toString("latin1"));
  }
  await anonymous.dispose();
  return files;
}

test("the session cookie is out of scripts' reach and no token is kept in the page", async ({ page, context }) => {
  await page.goto("/workflows");
  await expect(page.getByRole("heading", { name: "Workflows" })).toBeVisible();

  const session = (await context.cookies()).find((cookie) => cookie.name === "sessionid");
  expect(session, "the log-in step left a session cookie").toBeDefined();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");

  const visible = await page.evaluate(() => ({
    cookie: document.cookie,
    stored: JSON.stringify({ ...window.localStorage }) + JSON.stringify({ ...window.sessionStorage }),
  }));
  expect(visible.cookie).not.toContain("sessionid");
  expect(visible.cookie).not.toContain(session!.value);
  // No access or refresh token (a JWT starts with the base64 of '{"') anywhere a script can read.
  expect(visible.stored).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  expect(visible.stored).not.toContain(session!.value);
});

test("another site cannot read the API with the user's cookie, nor write through it", async ({ context }) => {
  const cookies = await context.cookies();
  const header = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
  const csrf = cookies.find((cookie) => cookie.name === "csrftoken")?.value ?? "";
  const fromElsewhere = await request.newContext({
    baseURL: process.env.E2E_BASE_URL,
    extraHTTPHeaders: { Cookie: header, Origin: OTHER_ORIGIN },
  });

  // Reading: the server answers, but grants no other origin the right to see the answer.
  const read = await fromElsewhere.get("/api/v1/users/me/");
  expect(read.headers()["access-control-allow-origin"]).toBeUndefined();
  expect(read.headers()["access-control-allow-credentials"]).toBeUndefined();
  const preflight = await fromElsewhere.fetch("/api/v1/workflows/", {
    method: "OPTIONS",
    headers: { "Access-Control-Request-Method": "POST" },
  });
  expect(preflight.headers()["access-control-allow-origin"]).toBeUndefined();

  // Writing: even holding the CSRF token, a request from another origin is refused and changes nothing.
  const before = await (await fromElsewhere.get("/api/v1/workflows/?limit=1")).json();
  const write = await fromElsewhere.post("/api/v1/workflows/", {
    headers: { "X-CSRFToken": csrf, Referer: `${OTHER_ORIGIN}/page` },
    data: { title: "planted by another site" },
  });
  expect(write.status()).toBe(403);
  expect(await write.text()).toMatch(/CSRF/i);
  const after = await (await fromElsewhere.get("/api/v1/workflows/?limit=1")).json();
  expect(after.count).toBe(before.count);
  await fromElsewhere.dispose();
});

test("the app the server hands out holds no secret", async () => {
  const files = await servedApp(process.env.E2E_BASE_URL as string);
  expect(files.size).toBeGreaterThan(2);

  // The server's own secrets and the users' passwords, as this stack set them.
  const secrets = [
    process.env.PLYNX_SECRET_KEY as string,
    ...Object.values(seed.users).map((user) => user.password),
  ];
  // And the value of every variable of the build's environment whose name says it is a secret.
  for (const [name, value] of Object.entries(process.env)) {
    if (/SECRET|PASSWORD|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_KEY/i.test(name) && value && value.length >= 8) {
      secrets.push(value);
    }
  }
  expect(secrets[0]?.length ?? 0).toBeGreaterThan(20);

  for (const [path, text] of files) {
    for (const secret of secrets) expect(text.includes(secret), `a secret value in ${path}`).toBe(false);
    expect(text, path).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(text, path).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/);
    expect(text, path).not.toMatch(/PLYNX_SECRET_KEY|AWS_SECRET_ACCESS_KEY/);
  }
  // Source maps (the app is open source) name sources relative to the build, never a machine's folders.
  for (const [path, text] of files) {
    if (!path.endsWith(".map")) continue;
    const sources = (JSON.parse(text) as { sources: string[] }).sources;
    for (const source of sources) expect(source, `${path} names ${source}`).not.toMatch(/^(\/|[A-Za-z]:\\|file:)/);
  }
  expect(readFileSync(fileURLToPath(new URL("../dist/index.html", import.meta.url)), "utf8")).toBe(files.get("/"));
});
