// What the specs share: the seeded data, an API client for checking what the server holds, and
// the gestures on the canvas (drag from the catalog, wire two ports), written against the app's
// accessibility contract (frontend/README.md and the editor's components).
import { readFileSync } from "node:fs";

import { test as base, expect, request, type APIRequestContext, type Locator, type Page } from "@playwright/test";

import { SCREENSHOTS } from "./paths";

interface Seeded {
  users: Record<"alice" | "bob", { username: string; password: string }>;
  operations: Record<"greeting" | "shout" | "table" | "concat" | "sleep", { id: string; title: string }>;
  workflows: Record<"shared" | "longJob", { id: string; title: string; owner: string }>;
}

/** What tests/e2e_seed.py created on the stack the suite runs against. */
export const seed: Seeded = JSON.parse(readFileSync(process.env.E2E_SEED as string, "utf8"));

/** An id the server gives (a MongoDB-style object id, as in the original PLynx). */
export const OBJECT_ID = /[0-9a-f]{24}/;

/** The v1 API as `user` (HTTP basic authentication), to check what the interface did. */
export async function apiAs(user: keyof Seeded["users"]): Promise<APIRequestContext> {
  const { username, password } = seed.users[user];
  const token = Buffer.from(`${username}:${password}`).toString("base64");
  return request.newContext({
    baseURL: `${process.env.E2E_BASE_URL}/api/v1/`,
    extraHTTPHeaders: { Authorization: `Basic ${token}` },
  });
}

/** Collect the page's uncaught exceptions (a page that throws fails its test, whatever it shows). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`${error.name}: ${error.message}`));
  return errors;
}

/**
 * The specs' `test`: `api` is the v1 API as the user the suite logs in as (alice), and `page`
 * fails the test when the app throws an uncaught exception.
 */
export const test = base.extend<{ api: APIRequestContext }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from this pattern
  api: async ({}, provide) => {
    const api = await apiAs("alice");
    await provide(api);
    await api.dispose();
  },
  page: async ({ page }, provide) => {
    const errors = pageErrors(page);
    await provide(page);
    expect(errors, "uncaught exceptions in the page").toEqual([]);
  },
});

export { expect };

export async function getJson<T>(api: APIRequestContext, path: string): Promise<T> {
  const response = await api.get(path);
  expect(response.status(), `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

/** The canvas node titled `title` (data-testid="node", aria-label = its title). */
export function canvasNode(page: Page, title: string): Locator {
  return page.locator(`[data-testid="node"][aria-label="${title}"]`);
}

export function allCanvasNodes(page: Page): Locator {
  return page.locator('[data-testid="node"]');
}

export function edges(page: Page): Locator {
  return page.locator(".react-flow__edge");
}

/** A port of a node: React Flow renders the port name as the handle's data-handleid. */
export function port(node: Locator, name: string, side: "source" | "target"): Locator {
  return node.locator(`.react-flow__handle.${side}[data-handleid="${name}"]`);
}

export function catalog(page: Page): Locator {
  return page.getByRole("complementary", { name: "Operations catalog" });
}

/** Find `title` with the catalog's search box and drag it onto the canvas at `at` (pane coordinates). */
export async function dragFromCatalog(page: Page, title: string, at: { x: number; y: number }): Promise<void> {
  const panel = catalog(page);
  await panel.getByLabel("Search operations").fill(title);
  const item = panel.getByText(title, { exact: true });
  await expect(item).toBeVisible();
  await item.dragTo(page.locator(".react-flow__pane"), { targetPosition: at });
  await expect(canvasNode(page, title)).toBeVisible();
  // Back to the whole catalog, as a person clears a search once they have what they looked for.
  await panel.getByLabel("Search operations").fill("");
}

/** Press on one port and release on another, moving in steps as a hand does (React Flow follows the pointer). */
export async function wire(page: Page, from: Locator, to: Locator): Promise<void> {
  const start = await from.boundingBox();
  const end = await to.boundingBox();
  if (!start || !end) throw new Error("a port to wire is not on screen");
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 12 });
  await page.mouse.up();
}

/**
 * The preview of output `name` of the node selected in a run: the node details panel shows it
 * (a node with several outputs offers one button each).
 */
export async function openOutput(page: Page, name: string): Promise<Locator> {
  const details = page.getByRole("complementary", { name: "Node details" });
  await expect(details).toBeVisible();
  const choice = details.getByRole("group", { name: "Outputs" }).getByRole("button", { name, exact: true });
  if ((await choice.count()) > 0) await choice.click();
  const preview = details.getByRole("region", { name: "Preview" });
  await expect(preview).toContainText(name);
  return preview;
}

/** Save a screenshot of what the window shows (1440×900) into the folder the README names. */
export async function screenshot(page: Page, name: string): Promise<void> {
  // Fonts loaded and two frames drawn: the canvas has laid out what it shows.
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

/** Node states of a run as the server reports them: title → status. */
export async function runStatuses(api: APIRequestContext, runId: string): Promise<Record<string, string>> {
  const body = await getJson<{ results: { title: string; status: string }[] }>(api, `runs/${runId}/nodes/`);
  return Object.fromEntries(body.results.map((node) => [node.title, node.status]));
}
