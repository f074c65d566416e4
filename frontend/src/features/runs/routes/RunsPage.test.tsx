import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import type { Run } from "@/lib/api/types";
import { page } from "@/testing/data";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

// The first page a test file renders also loads the app's modules, which can take a few seconds on a busy machine.
configure({ asyncUtilTimeout: 5000 });

function run(overrides: Partial<Run>): Run {
  return {
    id: "6a1f0000000000000000aaaa",
    title: "Word count",
    kind: "workflow",
    status: "SUCCESS",
    workflow: "6a1f000000000000000000ww",
    author: "alice",
    author_id: 2,
    parent_run: null,
    parent_node: null,
    cancel_requested_at: null,
    created_at: "2026-11-02T10:00:00Z",
    started_at: "2026-11-02T10:00:01Z",
    finished_at: "2026-11-02T10:00:13Z",
    duration: 12.4,
    readonly: false,
    ...overrides,
  } as Run;
}

describe("the runs page", () => {
  test("links each run to its view and its workflow, newest first", async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get("/api/v1/runs/", ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json(page([run({ id: "r1", title: "Word count", status: "RUNNING" })]));
      }),
    );

    renderApp("/runs");

    const link = await screen.findByRole("link", { name: "Word count" });
    expect(link).toHaveAttribute("href", "/runs/r1");
    const row = link.closest("tr")!;
    expect(within(row).getByRole("link", { name: "Open workflow" })).toHaveAttribute("href", "/workflows/6a1f000000000000000000ww");
    expect(within(row).getByText("running")).toBeInTheDocument();
    expect(within(row).getByText("12.4 s")).toBeInTheDocument();
    // Runs are neither starred nor deleted.
    expect(within(row).queryByRole("button")).toBeNull();
    expect(queries[0]?.get("ordering")).toBe("-created_at");
  });

  test("filters by run status and author, and searches titles", async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get("/api/v1/runs/", ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json(page([]));
      }),
    );
    const user = userEvent.setup();
    renderApp("/runs");
    expect(await screen.findByText("No runs yet.")).toBeInTheDocument();
    expect(screen.getByText("Words match the run’s title.")).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Status"), "FAILED");
    await user.click(screen.getByRole("button", { name: "Mine" }));
    await user.type(screen.getByRole("searchbox", { name: "Search runs" }), "nightly");

    await waitFor(() =>
      expect(Object.fromEntries(queries.at(-1)!)).toEqual({
        search: "nightly",
        status: "FAILED",
        author: "default",
        ordering: "-created_at",
        offset: "0",
        limit: "20",
      }),
    );
    expect(await screen.findByText("No run matches these filters.")).toBeInTheDocument();
  });
});

describe("the runs of one workflow", () => {
  test("lists only that workflow's runs, and shows every run again on request", async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get("/api/v1/runs/", ({ request }) => {
        const params = new URL(request.url).searchParams;
        queries.push(params);
        return HttpResponse.json(page(params.get("workflow") ? [run({ id: "r1", title: "Nightly ETL" })] : [run({ id: "r2", title: "Other" })]));
      }),
    );
    const user = userEvent.setup();
    const { router } = renderApp("/runs?workflow=6a1f000000000000000000ww");

    // The run's link, and the filter's link to the workflow (named by its runs' title).
    const links = await screen.findAllByRole("link", { name: "Nightly ETL" });
    expect(links.map((link) => link.getAttribute("href"))).toEqual(["/workflows/6a1f000000000000000000ww", "/runs/r1"]);
    expect(queries[0]?.get("workflow")).toBe("6a1f000000000000000000ww");

    await user.click(screen.getByRole("button", { name: "Show the runs of every workflow" }));

    expect(await screen.findByRole("link", { name: "Other" })).toBeInTheDocument();
    expect(queries.at(-1)?.has("workflow")).toBe(false);
    expect(router.state.location.search).toBe("");
  });
});
