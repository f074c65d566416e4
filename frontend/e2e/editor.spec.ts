// A data scientist's first workflow, step by step in one page: build it from the catalog, wire it,
// be told why a wrong wire is refused, set parameters, undo and redo, lay it out, save, run, watch
// every node succeed, preview the outputs and read the logs. Each step is a test of its own
// (serial: a step that fails leaves the next ones not run, and the report says which).
import type { Page } from "@playwright/test";

import {
  OBJECT_ID,
  allCanvasNodes,
  canvasNode,
  dragFromCatalog,
  edges,
  expect,
  getJson,
  openOutput,
  pageErrors,
  port,
  runStatuses,
  screenshot,
  seed,
  test,
  wire,
} from "./support";

test.describe.configure({ mode: "serial" });

const GREETING = seed.operations.greeting.title; // "Write greeting": greeting (str), count (int) → greeting
const SHOUT = seed.operations.shout.title; // "Shout": text (file) → loud (file)
const TABLE = seed.operations.table.title; // "Make table": → table (csv)
const TITLE = "Greetings, shouted";

interface NodeDoc {
  _id: string;
  title: string;
  original_node_id?: string | null;
  inputs: { name: string; values: { node_id?: string; output_id?: string }[] }[];
  parameters: { name: string; value: unknown }[];
}

let page: Page;
let errors: string[] = [];
let workflowId = "";
let runId = "";

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  errors = pageErrors(page);
});

test.afterEach(() => {
  expect(errors, "uncaught exceptions in the page").toEqual([]);
});

test.afterAll(async () => {
  await page.close();
});

function properties() {
  return page.getByRole("complementary", { name: "Properties" });
}

test("create a workflow and drag operations from the catalog onto the canvas", async () => {
  await page.goto("/workflows");
  await page.getByRole("button", { name: "New workflow" }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${OBJECT_ID.source}$`));
  workflowId = page.url().split("/").pop() as string;
  await expect(allCanvasNodes(page)).toHaveCount(0);
  await page.getByLabel("Workflow title").fill(TITLE);
  await page.getByLabel("Workflow description").fill("A greeting shouted, and a small table");

  await dragFromCatalog(page, GREETING, { x: 120, y: 120 });
  await dragFromCatalog(page, SHOUT, { x: 520, y: 120 });
  await dragFromCatalog(page, TABLE, { x: 120, y: 380 });

  await expect(allCanvasNodes(page)).toHaveCount(3);
  await expect(page.getByText("Unsaved changes")).toBeVisible();
});

test("connect an output to an input of the same type", async () => {
  await wire(page, port(canvasNode(page, GREETING), "greeting", "source"), port(canvasNode(page, SHOUT), "text", "target"));
  await expect(edges(page)).toHaveCount(1);
});

test("a refused connection says why", async () => {
  await wire(page, port(canvasNode(page, TABLE), "table", "source"), port(canvasNode(page, SHOUT), "text", "target"));
  await expect(page.getByRole("alert")).toContainText(
    `Output "table" of "${TABLE}" is csv, but input "text" of "${SHOUT}" takes file.`,
  );
  await expect(edges(page)).toHaveCount(1);
});

test("set parameters of a node in the properties panel", async () => {
  await canvasNode(page, GREETING).click();
  const panel = properties();
  await expect(panel.getByLabel("greeting", { exact: true })).toHaveValue("hello world");
  await panel.getByLabel("count", { exact: true }).fill("2");
  await panel.getByLabel("greeting", { exact: true }).fill("hello from the browser");
  await expect(panel.getByLabel("count", { exact: true })).toHaveValue("2");
});

test("undo and redo a change", async () => {
  const greeting = properties().getByLabel("greeting", { exact: true });
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(greeting).toHaveValue("hello world");
  await page.getByRole("button", { name: "Redo" }).click();
  await expect(greeting).toHaveValue("hello from the browser");

  // The wire, too: undoing back past it removes it, as many redos bring everything back.
  const undo = page.getByRole("button", { name: "Undo" });
  let steps = 0;
  while ((await edges(page).count()) > 0 && steps < 5) {
    await undo.click();
    steps += 1;
  }
  await expect(edges(page)).toHaveCount(0);
  for (let step = 0; step < steps; step++) await page.getByRole("button", { name: "Redo" }).click();
  await expect(edges(page)).toHaveCount(1);
  await expect(allCanvasNodes(page)).toHaveCount(3);
  await canvasNode(page, GREETING).click();
  await expect(greeting).toHaveValue("hello from the browser");
  await expect(properties().getByLabel("count", { exact: true })).toHaveValue("2");

  // From the keyboard, the focus on the canvas (not in a field): Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y.
  await page.keyboard.press("Control+z");
  await expect(greeting).toHaveValue("hello world");
  await page.keyboard.press("Control+Shift+z");
  await expect(greeting).toHaveValue("hello from the browser");
  await page.keyboard.press("Control+z");
  await expect(greeting).toHaveValue("hello world");
  await page.keyboard.press("Control+y");
  await expect(greeting).toHaveValue("hello from the browser");
});

test("auto layout arranges the nodes without overlaps", async () => {
  await page.getByRole("button", { name: "Auto layout" }).click();
  await page.getByRole("button", { name: "Fit view" }).click();
  await expect(async () => {
    const boxes = await allCanvasNodes(page).evaluateAll((nodes) =>
      nodes.map((node) => node.getBoundingClientRect().toJSON() as DOMRect),
    );
    expect(boxes).toHaveLength(3);
    for (const [index, a] of boxes.entries()) {
      for (const b of boxes.slice(index + 1)) {
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        expect(apart, `nodes at ${JSON.stringify(a)} and ${JSON.stringify(b)} overlap`).toBe(true);
      }
    }
  }).toPass({ timeout: 10_000 });
  // The wire survives the move.
  await expect(edges(page)).toHaveCount(1);
});

test("save the workflow", async ({ api }) => {
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Unsaved changes")).toBeHidden();
  await screenshot(page, "editor");

  const saved = await getJson<{ title: string; nodes: NodeDoc[] }>(api, `workflows/${workflowId}/`);
  expect(saved.title).toBe(TITLE);
  expect(saved.nodes.map((node) => node.title).sort()).toEqual([TABLE, SHOUT, GREETING].sort());
  const byTitle = Object.fromEntries(saved.nodes.map((node) => [node.title, node]));
  expect(byTitle[GREETING].original_node_id).toBe(seed.operations.greeting.id);
  const parameters = Object.fromEntries(byTitle[GREETING].parameters.map((p) => [p.name, p.value]));
  expect(parameters.greeting).toBe("hello from the browser");
  expect(parameters.count).toBe(2);
  const text = byTitle[SHOUT].inputs.find((input) => input.name === "text");
  expect(text?.values).toEqual([{ node_id: byTitle[GREETING]._id, output_id: "greeting" }]);
});

test("run it and watch every node reach SUCCESS", async ({ api }) => {
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${OBJECT_ID.source}$`));
  runId = page.url().split("/").pop() as string;
  await expect(page.getByRole("heading", { name: TITLE })).toBeVisible();

  const nodes = allCanvasNodes(page);
  await expect(nodes).toHaveCount(3);
  for (const title of [GREETING, SHOUT, TABLE]) {
    await expect(canvasNode(page, title)).toHaveAttribute("data-status", "SUCCESS", { timeout: 30_000 });
  }
  expect(await runStatuses(api, runId)).toEqual({ [GREETING]: "SUCCESS", [SHOUT]: "SUCCESS", [TABLE]: "SUCCESS" });
  await screenshot(page, "finished-run");
});

test("open a preview of an output", async () => {
  await canvasNode(page, SHOUT).click();
  const preview = await openOutput(page, "loud");
  await expect(preview).toContainText("HELLO FROM THE BROWSER 1");
  await expect(preview).toContainText("HELLO FROM THE BROWSER 2");
  await expect(preview.getByRole("link", { name: "Download" })).toBeVisible();

  // A CSV output is shown as a table.
  await canvasNode(page, TABLE).click();
  const table = (await openOutput(page, "table")).getByRole("table");
  await expect(table.getByRole("columnheader", { name: "score" })).toBeVisible();
  await expect(table.getByRole("cell", { name: "grace" })).toBeVisible();
  await screenshot(page, "output-preview");
});

test("read a node's log", async () => {
  await canvasNode(page, GREETING).click();
  const log = page.getByRole("region", { name: "Log" });
  await log.getByRole("tab", { name: "stdout" }).click();
  await expect(log).toContainText("writing 2 greetings");

  await canvasNode(page, SHOUT).click();
  await log.getByRole("tab", { name: "stdout" }).click();
  await expect(log).toContainText("shouted 2 lines");
});
