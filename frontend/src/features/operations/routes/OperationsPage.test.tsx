import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import type { Operation } from "@/lib/api/types";
import { defaultUser, page, workflowSummary } from "@/testing/data";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

import { OperationsPage } from "./OperationsPage";

// The first page a test file renders also loads the app's modules, which can take a few seconds on a busy machine.
configure({ asyncUtilTimeout: 5000 });

function operation(overrides: Partial<Operation>): Operation {
  return {
    ...workflowSummary(),
    kind: "python",
    inputs: [{ name: "text", file_types: ["file"] }],
    outputs: [{ name: "counts", file_type: "csv" }],
    parameters: [],
    logs: [],
    nodes: [],
    ...overrides,
  } as Operation;
}

describe("the operations page", () => {
  test("links each operation, and offers deletion only for one still being written", async () => {
    server.use(
      http.get("/api/v1/operations/", () =>
        HttpResponse.json(
          page([
            operation({ id: "o1", title: "Split", node_status: "CREATED" }),
            operation({ id: "o2", title: "Count", node_status: "READY" }),
            operation({ id: "o3", title: "Theirs", node_status: "CREATED", readonly: true }),
          ]),
        ),
      ),
    );

    renderApp("/operations");

    expect(await screen.findByRole("link", { name: "Split" })).toHaveAttribute("href", "/operations/o1");
    const row = (title: string) => screen.getByRole("link", { name: title }).closest("tr")!;
    expect(within(row("Split")).getByText("text → counts")).toBeInTheDocument();
    expect(within(row("Split")).getByRole("button", { name: "Delete Split" })).toBeInTheDocument();
    expect(within(row("Count")).queryByRole("button", { name: "Delete Count" })).toBeNull();
    expect(within(row("Count")).getByRole("button", { name: "Star Count" })).toBeInTheDocument();
    expect(within(row("Theirs")).queryByRole("button")).toBeNull();
  });

  test("stars through the operations endpoint and filters by status", async () => {
    const queries: URLSearchParams[] = [];
    const posts: string[] = [];
    server.use(
      http.get("/api/v1/operations/", ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json(page([operation({ id: "o1", title: "Split" })]));
      }),
      http.post("/api/v1/operations/o1/star/", ({ request }) => {
        posts.push(new URL(request.url).pathname);
        return HttpResponse.json(operation({ id: "o1", title: "Split", starred: true }));
      }),
    );
    const user = userEvent.setup();
    renderApp("/operations");

    await user.click(await screen.findByRole("button", { name: "Star Split" }));
    await waitFor(() => expect(posts).toEqual(["/api/v1/operations/o1/star/"]));
    await user.selectOptions(screen.getByLabelText("Status"), "DEPRECATED");

    await waitFor(() => expect(queries.at(-1)?.get("status")).toBe("DEPRECATED"));
    expect(queries.at(-1)?.get("ordering")).toBe("-updated_at");
  });

  test("“New operation” opens the operation editor for a new one", async () => {
    server.use(
      http.get("/api/v1/users/me/", () =>
        HttpResponse.json({ ...defaultUser, policies: [...defaultUser.policies, "CAN_CREATE_OPERATIONS"] }),
      ),
    );
    const user = userEvent.setup();
    const { router } = renderApp("/operations", {
      routes: [
        { path: "/operations", element: <OperationsPage /> },
        { path: "/operations/:operationId", element: <h1>Operation editor</h1> },
      ],
    });

    await user.click(await screen.findByRole("button", { name: "New operation" }));

    expect(await screen.findByRole("heading", { name: "Operation editor" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/operations/new");
  });
});
