import { act, configure, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, test, vi } from "vitest";

import type { WorkerState } from "@/lib/api/types";
import { page } from "@/testing/data";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

// The first page a test file renders also loads the app's modules, which can take a few seconds on a busy machine.
configure({ asyncUtilTimeout: 5000 });

const NOW = new Date("2026-11-25T12:00:00Z");

function worker(overrides: Partial<WorkerState>): WorkerState {
  return {
    worker_id: "celery@alpha",
    host: "alpha.lab",
    kinds: ["python", "bash_jinja2"],
    queues: ["python", "bash"],
    concurrency: 4,
    current_runs: [],
    started_at: "2026-11-25T10:00:00Z",
    last_heartbeat: "2026-11-25T11:59:57Z",
    alive: true,
    ...overrides,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the workers dashboard", () => {
  test("shows each worker's host, kinds, queues, load, running nodes and last heartbeat", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, now: NOW });
    server.use(
      http.get("/api/v1/workers/", () =>
        HttpResponse.json(
          page([
            worker({
              current_runs: [
                { run_id: "6a1f00000000000000000001", node_id: "n1", title: "Split text" },
                { run_id: "6a1f00000000000000000002", node_id: "n7", title: "Train" },
              ],
            }),
            worker({ worker_id: "celery@beta", host: "beta.lab", alive: false, last_heartbeat: "2026-11-25T11:40:00Z", current_runs: [] }),
          ]),
        ),
      ),
    );

    renderApp("/workers");

    const alpha = await screen.findByRole("article", { name: "celery@alpha" });
    expect(within(alpha).getByText("on alpha.lab")).toBeInTheDocument();
    expect(within(alpha).getByText("alive")).toBeInTheDocument();
    expect(within(alpha).getByText("bash_jinja2")).toBeInTheDocument();
    expect(within(alpha).getByText("bash")).toBeInTheDocument();
    expect(within(alpha).getByText("2 of 4 busy")).toBeInTheDocument();
    expect(within(alpha).getByRole("meter", { name: "Busy slots" })).toHaveAttribute("aria-valuenow", "2");
    expect(within(alpha).getByText("3 s ago")).toHaveAttribute("datetime", "2026-11-25T11:59:57Z");
    expect(within(alpha).getByRole("link", { name: "Split text" })).toHaveAttribute("href", "/runs/6a1f00000000000000000001");
    expect(within(alpha).getByRole("link", { name: "Train" })).toHaveAttribute("href", "/runs/6a1f00000000000000000002");

    const beta = screen.getByRole("article", { name: "celery@beta" });
    expect(within(beta).getByText("lost")).toBeInTheDocument();
    expect(within(beta).getByText("20 min ago")).toBeInTheDocument();
    expect(within(beta).getByText("Nothing reported")).toBeInTheDocument();
    expect(screen.getByLabelText("Summary")).toHaveTextContent("1 alive1 lost2 of 4 slots busy");
  });

  test("reads the workers again every few seconds, and the heartbeat's age keeps counting", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, now: NOW });
    let calls = 0;
    server.use(
      http.get("/api/v1/workers/", () => {
        calls += 1;
        return HttpResponse.json(
          page([
            calls === 1
              ? worker({ current_runs: [] })
              : worker({
                  last_heartbeat: "2026-11-25T12:00:04Z",
                  current_runs: [{ run_id: "6a1f00000000000000000009", node_id: "n2", title: "Count words" }],
                }),
          ]),
        );
      }),
    );

    renderApp("/workers");
    const card = await screen.findByRole("article", { name: "celery@alpha" });
    expect(within(card).getByText("Idle")).toBeInTheDocument();
    expect(within(card).getByText("3 s ago")).toBeInTheDocument();
    expect(calls).toBe(1);

    await act(() => vi.advanceTimersByTimeAsync(2_000));
    expect(within(card).getByText("5 s ago")).toBeInTheDocument();
    expect(calls).toBe(1);

    await act(() => vi.advanceTimersByTimeAsync(3_500));
    expect(await within(card).findByRole("link", { name: "Count words" })).toHaveAttribute("href", "/runs/6a1f00000000000000000009");
    expect(calls).toBe(2);
    expect(within(card).getByText("1 of 4 busy")).toBeInTheDocument();
  });

  test("refreshes on request, and keeps the last figures when a refresh fails", async () => {
    let calls = 0;
    server.use(
      http.get("/api/v1/workers/", () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json(page([worker({})]))
          : HttpResponse.json({ detail: "Service unavailable." }, { status: 503 });
      }),
    );
    const user = userEvent.setup();
    renderApp("/workers");
    await screen.findByRole("article", { name: "celery@alpha" });

    await user.click(screen.getByRole("button", { name: "Refresh" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Service unavailable. (503)");
    expect(screen.getByRole("article", { name: "celery@alpha" })).toBeInTheDocument();
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  test("says when no worker has reported", async () => {
    renderApp("/workers");
    expect(await screen.findByText("No worker has reported yet. `make up` starts one.")).toBeInTheDocument();
  });
});
