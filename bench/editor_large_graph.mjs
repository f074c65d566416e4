// The editor on a 1,000-node workflow, in headless Chromium against the real platform: how long
// until every node in view is drawn and the page is interactive, and how smoothly it pans.
//
//   .venv/bin/python tests/e2e_stack.py -- node bench/editor_large_graph.mjs [--nodes 1000] [--width 50] [--opens 3]
//       [--screenshot var/editor-large-graph.png]
//
// (make e2e builds the web app first; so does `npm run build` in frontend/.) The stack launcher
// starts the web server, a worker, PostgreSQL and Redis databases of its own and seeds the
// operations; this script creates the workflow through the v1 API, logs in through the log-in
// page, then opens /workflows/{id} --opens times and pans it once. Figures are printed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";

const require = createRequire(new URL("../frontend/package.json", import.meta.url));
const { chromium } = require("@playwright/test");
const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import("../frontend/e2e/chromium.mjs");

const OPEN_TARGET_MS = 2000;
const PAN_MS = 2000;
// A node is taken as in view when any of it is; the frame-time target of a smooth pan is 60 fps.
const FRAME_TARGET_MS = 1000 / 60;

const { values: options } = parseArgs({
  options: {
    nodes: { type: "string", default: "1000" },
    width: { type: "string", default: "50" },
    opens: { type: "string", default: "3" },
    screenshot: { type: "string" },
  },
});
const NODES = Number(options.nodes);
const WIDTH = Number(options.width);
const OPENS = Number(options.opens);

const baseUrl = process.env.E2E_BASE_URL;
if (!baseUrl || !process.env.E2E_SEED) {
  console.error("run it on the stack: .venv/bin/python tests/e2e_stack.py -- node bench/editor_large_graph.mjs");
  process.exit(2);
}
const seed = JSON.parse(readFileSync(process.env.E2E_SEED, "utf8"));
const { username, password } = seed.users.alice;
const auth = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

async function api(method, path, body) {
  const response = await fetch(`${baseUrl}/api/v1/${path}`, {
    method,
    headers: { Authorization: auth, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${(await response.text()).slice(0, 500)}`);
  return response.json();
}

let lastId = 0x5e2e_0000;
function newId() {
  lastId += 1;
  return `6b0000000000${lastId.toString(16).padStart(12, "0")}`;
}

/** A workflow node made from an operation as the API returns it (what the editor's addNode makes). */
function nodeOf(operation, x, y) {
  return {
    _id: newId(),
    title: operation.title,
    description: operation.description,
    kind: operation.kind,
    original_node_id: operation.id,
    inputs: operation.inputs.map((port) => ({ ...port, values: [] })),
    outputs: operation.outputs.map((port) => ({ ...port, resource_id: null })),
    parameters: operation.parameters,
    logs: operation.logs.map((log) => ({ ...log, resource_id: null })),
    x,
    y,
  };
}

function link(node, input, source, output) {
  node.inputs.find((port) => port.name === input).values.push({ node_id: source._id, output_id: output });
}

/**
 * One "Write greeting" feeding WIDTH chains of "Shout" that one "Concatenate" joins: NODES nodes,
 * laid out left to right by depth, as auto-layout would.
 */
async function largeWorkflow() {
  const [greeting, shout, concat] = await Promise.all(
    ["greeting", "shout", "concat"].map((key) => api("GET", `operations/${seed.operations[key].id}/`)),
  );
  const source = nodeOf(greeting, 0, (WIDTH / 2) * 140);
  const nodes = [source];
  const middle = NODES - 2;
  for (let index = 1; index <= middle; index++) {
    const depth = Math.ceil(index / WIDTH);
    const row = (index - 1) % WIDTH;
    const node = nodeOf(shout, depth * 300, row * 140);
    link(node, "text", index <= WIDTH ? source : nodes[index - WIDTH], index <= WIDTH ? "greeting" : "loud");
    nodes.push(node);
  }
  const sink = nodeOf(concat, (Math.ceil(middle / WIDTH) + 1) * 300, (WIDTH / 2) * 140);
  for (const last of nodes.slice(-WIDTH)) link(sink, "parts", last, "loud");
  nodes.push(sink);
  const started = performance.now();
  const created = await api("POST", "workflows/", {
    title: `Benchmark: ${NODES} nodes`,
    description: `${WIDTH} chains between a source and a sink`,
    nodes,
  });
  const links = nodes.reduce((sum, node) => sum + node.inputs.reduce((n, port) => n + port.values.length, 0), 0);
  return { id: created.id, nodes, links, createMs: performance.now() - started };
}

/**
 * Runs in the page before its scripts: a frame loop that notes when every node in view is drawn
 * (React Flow keeps a node hidden until it has measured it), the long tasks, and frame times.
 */
function instrument(positions) {
  const bench = { frames: [], longTaskEnds: [], busyMs: 0, firstAt: null, drawnAt: null, rendered: 0, expected: 0 };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        bench.longTaskEnds.push(entry.startTime + entry.duration);
        bench.busyMs += entry.duration;
      }
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // No long-task timing in this browser: interactivity is then taken as the drawn time.
  }
  function inView() {
    const viewport = document.querySelector(".react-flow__viewport");
    const pane = document.querySelector(".react-flow");
    const sample = document.querySelector(".react-flow__node");
    if (!viewport || !pane || !sample) return null;
    const match = /translate\(([-\d.e]+)px,\s*([-\d.e]+)px\)\s*scale\(([-\d.e]+)\)/.exec(viewport.style.transform);
    if (!match) return null;
    const [tx, ty, zoom] = match.slice(1).map(Number);
    const { width, height } = pane.getBoundingClientRect();
    const w = sample.offsetWidth * zoom;
    const h = sample.offsetHeight * zoom;
    let count = 0;
    for (const [x, y] of positions) {
      const left = x * zoom + tx;
      const top = y * zoom + ty;
      if (left < width && left + w > 0 && top < height && top + h > 0) count += 1;
    }
    return count;
  }
  // Drawn: every node element measured (React Flow hides a node until it has measured it), at
  // least as many as are in view, and the view held still for a frame (a fit-view that moves it
  // right after the first paint does not count as done). The time is that frame's.
  let pendingTransform = null;
  function frame(time) {
    bench.frames.push(time);
    if (bench.drawnAt === null) {
      const nodes = document.querySelectorAll(".react-flow__node");
      const ready = nodes.length > 0 && [...nodes].every((node) => node.style.visibility !== "hidden");
      if (ready && bench.firstAt === null) bench.firstAt = time;
      const expected = ready ? inView() : null;
      const transform = document.querySelector(".react-flow__viewport")?.style.transform ?? null;
      if (expected !== null && nodes.length >= expected) {
        if (pendingTransform === transform) {
          bench.drawnAt = time;
          bench.rendered = nodes.length;
          bench.expected = expected;
        }
        pendingTransform = transform;
      } else {
        pendingTransform = null;
      }
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
}

async function openOnce(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.drawnAt !== null, null, { timeout: 60_000, polling: 50 });
  // Interactive: drawn, and no long task for 500 ms after the last one (a short TTI quiet window).
  await page.waitForFunction(
    () => {
      const bench = window.__bench;
      const last = Math.max(bench.drawnAt, ...bench.longTaskEnds);
      return performance.now() - last > 500;
    },
    null,
    { timeout: 60_000, polling: 100 },
  );
  return page.evaluate(() => {
    const bench = window.__bench;
    // When the workflow's JSON had arrived (the app's request of it, from the resource timings).
    const document = performance
      .getEntriesByType("resource")
      .find((entry) => /\/api\/v1\/workflows\/[0-9a-f]{24}\/$/.test(new URL(entry.name).pathname));
    return {
      loadedMs: document ? document.responseEnd : NaN,
      firstMs: bench.firstAt,
      drawnMs: bench.drawnAt,
      // The main thread's last long task (loading, laying out, drawing) ended here.
      interactiveMs: Math.max(bench.drawnAt, ...bench.longTaskEnds),
      rendered: bench.rendered,
      expected: bench.expected,
      longTasks: bench.longTaskEnds.length,
      busyMs: bench.busyMs,
    };
  });
}

/** A point of empty canvas: pressing there pans instead of grabbing a node. */
async function emptyPanePoint(page) {
  const point = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow__pane").getBoundingClientRect();
    for (let fy = 0.5; fy < 0.95; fy += 0.05) {
      for (let fx = 0.5; fx < 0.95; fx += 0.03) {
        for (const [x, y] of [
          [pane.left + pane.width * fx, pane.top + pane.height * fy],
          [pane.left + pane.width * (1 - fx), pane.top + pane.height * (1 - fy)],
        ]) {
          if (document.elementFromPoint(x, y)?.classList.contains("react-flow__pane")) return { x, y };
        }
      }
    }
    return null;
  });
  if (!point) throw new Error("no empty canvas to press on");
  return point;
}

async function pan(page) {
  const transform = () => page.evaluate(() => document.querySelector(".react-flow__viewport").style.transform);
  const before = await transform();
  const { x, y } = await emptyPanePoint(page);
  await page.mouse.move(x, y);
  await page.mouse.down();
  const start = await page.evaluate(() => performance.now());
  const began = Date.now();
  // A circle of 250 px once a second: nodes keep entering and leaving the view.
  while (Date.now() - began < PAN_MS) {
    const angle = ((Date.now() - began) / 1000) * 2 * Math.PI;
    await page.mouse.move(x - 250 + 250 * Math.cos(angle), y + 250 * Math.sin(angle));
    await new Promise((done) => setTimeout(done, 8));
  }
  const middle = await transform();
  await page.mouse.up();
  const end = await page.evaluate(() => performance.now());
  const frames = await page.evaluate(([from, to]) => window.__bench.frames.filter((t) => t >= from && t <= to), [start, end]);
  const intervals = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const p95 = intervals[Math.min(intervals.length - 1, Math.floor(intervals.length * 0.95))];
  return {
    moved: before !== middle,
    seconds: (end - start) / 1000,
    fps: (frames.length - 1) / ((frames.at(-1) - frames[0]) / 1000),
    p95,
    worst: intervals.at(-1),
    over: intervals.filter((interval) => interval > 2 * FRAME_TARGET_MS).length,
    frames: frames.length,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(0)} ms`;

const workflow = await largeWorkflow();
console.log(
  `workflow of ${workflow.nodes.length} nodes and ${workflow.links} links created through the API in ${ms(workflow.createMs)}`,
);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
try {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/workflows$/);
  await page.addInitScript(instrument, workflow.nodes.map((node) => [node.x, node.y]));

  const opens = [];
  for (let index = 0; index < OPENS; index++) {
    const result = await openOnce(page, `/workflows/${workflow.id}`);
    opens.push(result);
    console.log(
      `open ${index + 1}: workflow received at ${ms(result.loadedMs)}, first nodes shown at ${ms(result.firstMs)}, ` +
        `all in view drawn at ${ms(result.drawnMs)}, interactive at ${ms(result.interactiveMs)} ` +
        `(${result.rendered} node elements for ${result.expected} in view; ${result.longTasks} long tasks, ${ms(result.busyMs)})`,
    );
  }
  const interactive = median(opens.map((open) => open.interactiveMs));
  console.log(
    `open median: drawn ${ms(median(opens.map((open) => open.drawnMs)))}, interactive ${ms(interactive)} ` +
      `(target < ${OPEN_TARGET_MS} ms: ${interactive < OPEN_TARGET_MS ? "ok" : "over"})`,
  );
  if (options.screenshot) await page.screenshot({ path: options.screenshot });
  const panned = await pan(page);
  if (!panned.moved) throw new Error("the drag did not pan the canvas");
  console.log(
    `pan for ${panned.seconds.toFixed(1)} s: ${panned.fps.toFixed(1)} fps, frame time p95 ${panned.p95.toFixed(1)} ms, ` +
      `worst ${panned.worst.toFixed(1)} ms, ${panned.over} of ${panned.frames - 1} frames over ${(2 * FRAME_TARGET_MS).toFixed(0)} ms`,
  );
  await context.close();
} finally {
  await browser.close();
}
