import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import { workflowPage, workflowSummary } from "@/testing/data";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

/** Answer the workflows list with `respond`, recording the query of every request. */
function workflowsApi(respond: (params: URLSearchParams) => Response) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get("/api/v1/workflows/", ({ request }) => {
      const params = new URL(request.url).searchParams;
      queries.push(params);
      return respond(params);
    }),
  );
  return queries;
}

describe("the workflows page", () => {
  test("lists the server's workflows with their author, status and a link to each", async () => {
    workflowsApi(() =>
      HttpResponse.json(
        workflowPage([
          workflowSummary({ id: "w1", title: "Word count", author_name: "alice", node_status: "READY", starred: true }),
          workflowSummary({ id: "w2", title: "Train model", author_name: "bob", description: "" }),
        ]),
      ),
    );

    renderApp("/");

    const row = (await screen.findByRole("link", { name: "Word count" })).closest("tr")!;
    expect(screen.getByRole("heading", { name: "Workflows" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Word count" })).toHaveAttribute("href", "/workflows/w1");
    expect(within(row).getByText("alice")).toBeInTheDocument();
    expect(within(row).getByText("ready")).toBeInTheDocument();
    expect(within(row).getByLabelText("Starred")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Train model" })).toHaveAttribute("href", "/workflows/w2");
    expect(screen.getAllByRole("row")).toHaveLength(3);
  });

  test("searches with the server's syntax once typing pauses, and keeps the search in the address", async () => {
    const queries = workflowsApi((params) =>
      HttpResponse.json(
        params.get("search") === "author:alice count"
          ? workflowPage([workflowSummary({ id: "w1", title: "Word count" })])
          : workflowPage([]),
      ),
    );
    const user = userEvent.setup();
    const { router } = renderApp("/workflows");
    expect(await screen.findByText("No workflows yet.")).toBeInTheDocument();

    await user.type(screen.getByRole("searchbox", { name: "Search workflows" }), "author:alice count");

    expect(await screen.findByRole("link", { name: "Word count" })).toBeInTheDocument();
    const searched = queries.filter((params) => params.has("search")).map((params) => params.get("search"));
    // One request for the finished text, not one per key stroke.
    expect(searched).toEqual(["author:alice count"]);
    expect(router.state.location.search).toBe("?search=author%3Aalice+count");
  });

  test("says when a search matches nothing", async () => {
    workflowsApi(() => HttpResponse.json(workflowPage([])));

    renderApp("/workflows?search=nothing");

    expect(await screen.findByText("No workflow matches “nothing”.")).toBeInTheDocument();
  });

  test("pages through a long list", async () => {
    const queries = workflowsApi((params) => {
      const offset = Number(params.get("offset") ?? 0);
      return HttpResponse.json(workflowPage([workflowSummary({ id: `w${offset}`, title: `Workflow ${offset}` })], 45));
    });
    const user = userEvent.setup();
    renderApp("/workflows");
    expect(await screen.findByText("1–20 of 45")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Next" }));

    expect(await screen.findByRole("link", { name: "Workflow 20" })).toBeInTheDocument();
    expect(screen.getByText("21–40 of 45")).toBeInTheDocument();
    expect(queries.at(-1)?.get("offset")).toBe("20");
    expect(queries.at(-1)?.get("limit")).toBe("20");
  });

  test("shows server text as text, never as markup", async () => {
    workflowsApi(() =>
      HttpResponse.json(
        workflowPage([
          workflowSummary({ title: '<img src=x onerror="alert(1)">', description: "<script>alert(2)</script>" }),
        ]),
      ),
    );

    const { container } = renderApp("/workflows");

    expect(await screen.findByRole("link", { name: '<img src=x onerror="alert(1)">' })).toBeInTheDocument();
    expect(screen.getByText("<script>alert(2)</script>")).toBeInTheDocument();
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
  });

  test("shows the server's message when the list cannot be loaded, and retries on request", async () => {
    let calls = 0;
    workflowsApi(() => {
      calls += 1;
      return calls === 1
        ? HttpResponse.json({ detail: "You do not have permission to perform this action." }, { status: 403 })
        : HttpResponse.json(workflowPage([workflowSummary({ title: "Back again" })]));
    });
    const user = userEvent.setup();
    renderApp("/workflows");

    expect(await screen.findByRole("alert")).toHaveTextContent("You do not have permission to perform this action. (403)");
    await user.click(screen.getByRole("button", { name: "Try again" }));

    expect(await screen.findByRole("link", { name: "Back again" })).toBeInTheDocument();
  });

  test("in multi-user mode without a session, goes to the log-in page and comes back", async () => {
    server.use(http.get("/api/v1/users/me/", () => HttpResponse.json({ detail: "Authentication credentials were not provided." }, { status: 401 })));
    const { router } = renderApp("/workflows?search=x");

    expect(await screen.findByRole("heading", { name: "Log in to PLynx" })).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.pathname).toBe("/login"));
    expect(new URLSearchParams(router.state.location.search).get("next")).toBe("/workflows?search=x");
  });
});
