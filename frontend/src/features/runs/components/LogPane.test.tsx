import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

import { POLL_INTERVAL_MS } from "../api/run";
import { logChunk, nodeRun, RUN_ID, runDetail, runHandlers } from "../testing";
import { LogPane } from "./LogPane";

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  vi.useRealTimers();
});

/** jsdom lays nothing out: give the log's box a size and a scroll position that can be set. */
function layOut(pre: HTMLElement, scrollHeight: () => number) {
  Object.defineProperty(pre, "scrollHeight", { configurable: true, get: scrollHeight });
  Object.defineProperty(pre, "clientHeight", { configurable: true, get: () => 200 });
  Object.defineProperty(pre, "scrollTop", { configurable: true, writable: true, value: 0 });
}

describe("the log pane", () => {
  test("follows a running node's output, scrolling with it unless the reader scrolled up", async () => {
    let lines = 0;
    server.use(
      ...runHandlers({
        run: () => runDetail(),
        nodes: () => [],
        specs: {},
        log: (_name, url) => {
          lines += 1;
          const written = Array.from({ length: lines }, (_, index) => `line ${index + 1}\n`).join("");
          const start = url.searchParams.has("tail") ? 0 : Number(url.searchParams.get("offset"));
          return logChunk({ text: written.slice(start), start, offset: written.length, size: written.length, complete: false, live: true });
        },
      }),
    );
    renderApp("/", { element: <LogPane runId={RUN_ID} node={nodeRun({ id: "a", status: "RUNNING", attempt: 1 })} /> });
    const log = screen.getByRole("region", { name: "Log" });
    const pre = await within(log).findByText("line 1");
    expect(pre.tagName).toBe("PRE");
    expect(within(log).getByRole("status")).toHaveTextContent("following");
    expect(within(log).getByText("Download after the end")).toBeInTheDocument();

    layOut(pre, () => 300 * lines);
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS));
    await waitFor(() => expect(pre.textContent).toBe("line 1\nline 2\n"));
    expect(pre.scrollTop).toBe(600);

    // The reader scrolls up: new lines arrive, the view stays where the reader put it.
    pre.scrollTop = 20;
    fireEvent.scroll(pre);
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS));
    await waitFor(() => expect(pre.textContent).toBe("line 1\nline 2\nline 3\n"));
    expect(pre.scrollTop).toBe(20);

    fireEvent.click(within(log).getByRole("button", { name: "Follow the end" }));
    await waitFor(() => expect(pre.scrollTop).toBe(900));
    expect(within(log).queryByRole("button", { name: "Follow the end" })).toBeNull();
  });

  test("a finished node's log is read once, as text, with its download", async () => {
    let reads = 0;
    server.use(
      ...runHandlers({
        run: () => runDetail(),
        nodes: () => [],
        specs: {},
        log: () => {
          reads += 1;
          return logChunk({ text: "<h1>not a heading</h1>\n", offset: 23, size: 23, complete: true });
        },
      }),
    );
    renderApp("/", {
      element: <LogPane runId={RUN_ID} node={nodeRun({ id: "a", status: "SUCCESS", attempt: 1, logs: { stdout: "res-out" } })} />,
    });
    const log = screen.getByRole("region", { name: "Log" });
    expect(await within(log).findByText("<h1>not a heading</h1>")).toBeInTheDocument();
    expect(log.querySelector("h1")).toBeNull();
    expect(within(log).getByRole("link", { name: "Download" })).toHaveAttribute("href", "/api/v1/resources/res-out/download/");
    expect(within(log).queryByRole("status")).toBeNull();
    await act(() => vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3));
    expect(reads).toBe(1);
  });
});
