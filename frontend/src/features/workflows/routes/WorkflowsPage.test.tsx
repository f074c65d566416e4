import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { delay, http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import { defaultUser, workflowPage, workflowSummary } from "@/testing/data";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

import { WorkflowsPage } from "./WorkflowsPage";

// The first page a test file renders also loads the app's modules, which can take a few seconds on a busy machine.
configure({ asyncUtilTimeout: 5000 });

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
    expect(within(row).getByRole("button", { name: "Star Word count" })).toHaveAttribute("aria-pressed", "true");
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

  test("shows as many rows per page as the user's settings say", async () => {
    const queries = workflowsApi(() => HttpResponse.json(workflowPage([workflowSummary()], 120)));
    server.use(
      http.get("/api/v1/users/me/", () => HttpResponse.json({ ...defaultUser, settings: { ...defaultUser.settings, page_size: 50 } })),
    );

    renderApp("/workflows");

    expect(await screen.findByText("1–50 of 120")).toBeInTheDocument();
    expect(lastQuery(queries).limit).toBe("50");
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

/** The parameters of the last list request. */
function lastQuery(queries: URLSearchParams[]): Record<string, string> {
  return Object.fromEntries(queries.at(-1) ?? []);
}

describe("filtering and sorting the workflows", () => {
  test("asks for the most recently updated first, and sorts by a column header both ways", async () => {
    const queries = workflowsApi(() => HttpResponse.json(workflowPage([workflowSummary()])));
    const user = userEvent.setup();
    const { router } = renderApp("/workflows");
    await screen.findByRole("link", { name: "Word count" });
    expect(lastQuery(queries)).toEqual({ ordering: "-updated_at", offset: "0", limit: "20" });
    expect(screen.getByRole("columnheader", { name: /Updated/ })).toHaveAttribute("aria-sort", "descending");

    await user.click(screen.getByRole("button", { name: /Updated/ }));
    await waitFor(() => expect(lastQuery(queries).ordering).toBe("updated_at"));
    expect(screen.getByRole("columnheader", { name: /Updated/ })).toHaveAttribute("aria-sort", "ascending");

    await user.click(screen.getByRole("button", { name: /Title/ }));
    await waitFor(() => expect(lastQuery(queries).ordering).toBe("title"));
    expect(screen.getByRole("columnheader", { name: /Updated/ })).not.toHaveAttribute("aria-sort");
    expect(router.state.location.search).toBe("?ordering=title");
  });

  test("filters by status, author and star, and clears every filter at once", async () => {
    const queries = workflowsApi(() => HttpResponse.json(workflowPage([workflowSummary()])));
    const user = userEvent.setup();
    renderApp("/workflows");
    await screen.findByRole("link", { name: "Word count" });

    await user.selectOptions(screen.getByLabelText("Status"), "READY");
    await waitFor(() => expect(lastQuery(queries).status).toBe("READY"));

    await user.type(screen.getByRole("textbox", { name: "Author" }), "alice");
    await waitFor(() => expect(lastQuery(queries).author).toBe("alice"));

    await user.click(screen.getByRole("checkbox", { name: "Starred only" }));
    await waitFor(() =>
      expect(lastQuery(queries)).toEqual({
        status: "READY",
        author: "alice",
        starred: "true",
        ordering: "-updated_at",
        offset: "0",
        limit: "20",
      }),
    );
    // Only whole words reach the server, not every key stroke of the author's name.
    expect(queries.map((params) => params.get("author")).filter(Boolean)).toEqual(["alice", "alice"]);

    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(lastQuery(queries)).toEqual({ ordering: "-updated_at", offset: "0", limit: "20" }));
    expect(screen.getByLabelText("Status")).toHaveValue("");
    expect(screen.getByRole("textbox", { name: "Author" })).toHaveValue("");
  });

  test("“Mine” lists the signed-in user's workflows and fills the author field", async () => {
    const queries = workflowsApi(() => HttpResponse.json(workflowPage([])));
    server.use(http.get("/api/v1/users/me/", () => HttpResponse.json({ ...defaultUser, username: "carol" })));
    const user = userEvent.setup();
    renderApp("/workflows?offset=40");
    const mine = await screen.findByRole("button", { name: "Mine" });
    expect(mine).toHaveAttribute("aria-pressed", "false");

    await user.click(mine);

    await waitFor(() => expect(lastQuery(queries).author).toBe("carol"));
    expect(lastQuery(queries).offset).toBe("0");
    expect(screen.getByRole("button", { name: "Mine" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByRole("textbox", { name: "Author" })).toHaveValue("carol");
    expect(await screen.findByText("No workflow matches these filters.")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Mine" }));
    await waitFor(() => expect(lastQuery(queries).author).toBeUndefined());
    expect(screen.getByRole("textbox", { name: "Author" })).toHaveValue("");
  });

  test("names the page in the browser tab, and “/” goes to the search", async () => {
    workflowsApi(() => HttpResponse.json(workflowPage([workflowSummary()])));
    const user = userEvent.setup();
    renderApp("/workflows");
    await screen.findByRole("link", { name: "Word count" });
    expect(document.title).toBe("Workflows · PLynx");

    await user.keyboard("/");

    const search = screen.getByRole("searchbox", { name: "Search workflows" });
    expect(search).toHaveFocus();
    expect(search).toHaveAttribute("aria-keyshortcuts", "/");
    // Typed in the field, "/" is text.
    await user.keyboard("a/b");
    expect(search).toHaveValue("a/b");
  });

  test("shows the keys the search understands, and the server's refusal of an unknown one", async () => {
    workflowsApi((params) =>
      params.get("search") === "colour:red"
        ? HttpResponse.json({ search: ["unknown search key 'colour'; use one of author, kind, status, starred, id"] }, { status: 400 })
        : HttpResponse.json(workflowPage([])),
    );

    renderApp("/workflows?search=colour:red");

    const hint = (await screen.findByRole("searchbox", { name: "Search workflows" })).getAttribute("aria-describedby")!;
    expect(document.getElementById(hint)).toHaveTextContent("author:alice kind:python status:READY starred:true id:…");
    expect(await screen.findByRole("alert")).toHaveTextContent("search: unknown search key 'colour'; use one of author, kind, status, starred, id (400)");
    // Asking again cannot help: the search itself must change.
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
  });
});

describe("starring a workflow", () => {
  test("marks it at once, before the server answers, and unstars it again", async () => {
    let starred = false;
    const posts: string[] = [];
    workflowsApi(() => HttpResponse.json(workflowPage([workflowSummary({ id: "w1", title: "Word count", starred })])));
    server.use(
      http.post("/api/v1/workflows/:id/:action/", async ({ params }) => {
        posts.push(`${String(params.id)} ${String(params.action)}`);
        await delay(200);
        starred = params.action === "star";
        return HttpResponse.json(workflowSummary({ id: "w1", starred }));
      }),
    );
    const user = userEvent.setup();
    renderApp("/workflows");
    const toggle = await screen.findByRole("button", { name: "Star Word count" });
    expect(toggle).toHaveAttribute("aria-pressed", "false");

    await user.click(toggle);
    // Optimistic: pressed while the server is still answering.
    expect(screen.getByRole("button", { name: "Star Word count" })).toHaveAttribute("aria-pressed", "true");
    expect(starred).toBe(false);
    await waitFor(() => expect(starred).toBe(true));

    await user.click(screen.getByRole("button", { name: "Star Word count" }));
    expect(screen.getByRole("button", { name: "Star Word count" })).toHaveAttribute("aria-pressed", "false");
    await waitFor(() => expect(starred).toBe(false));
    expect(posts).toEqual(["w1 star", "w1 unstar"]);
  });

  test("takes the mark back and says why when the server refuses", async () => {
    workflowsApi(() => HttpResponse.json(workflowPage([workflowSummary({ id: "w1", title: "Word count" })])));
    server.use(
      http.post("/api/v1/workflows/w1/star/", () =>
        HttpResponse.json({ detail: "You do not have permission to perform this action." }, { status: 403 }),
      ),
    );
    const user = userEvent.setup();
    renderApp("/workflows");

    await user.click(await screen.findByRole("button", { name: "Star Word count" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not star “Word count”: You do not have permission to perform this action.",
    );
    expect(screen.getByRole("button", { name: "Star Word count" })).toHaveAttribute("aria-pressed", "false");
  });

  test("offers neither star nor delete on a workflow the user may not change", async () => {
    workflowsApi(() =>
      HttpResponse.json(workflowPage([workflowSummary({ id: "w1", title: "Theirs", readonly: true, starred: true, author_name: "bob" })])),
    );

    renderApp("/workflows");

    const row = (await screen.findByRole("link", { name: "Theirs" })).closest("tr")!;
    expect(within(row).getByRole("img", { name: "Starred" })).toBeInTheDocument();
    expect(within(row).queryByRole("button")).toBeNull();
  });
});

describe("deleting a workflow", () => {
  function deletable() {
    let rows = [workflowSummary({ id: "w1", title: "Word count" }), workflowSummary({ id: "w2", title: "Train model" })];
    const deletes: string[] = [];
    workflowsApi(() => HttpResponse.json(workflowPage(rows)));
    server.use(
      http.delete("/api/v1/workflows/:id/", ({ params }) => {
        deletes.push(String(params.id));
        rows = rows.filter((row) => row.id !== params.id);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    return deletes;
  }

  test("asks first in a modal dialog that keeps the focus, and Escape or Cancel delete nothing", async () => {
    const deletes = deletable();
    const user = userEvent.setup();
    renderApp("/workflows");
    const trigger = await screen.findByRole("button", { name: "Delete Word count" });

    await user.click(trigger);
    const dialog = screen.getByRole("dialog", { name: "Delete this workflow?" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveTextContent("“Word count” will be deleted");
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.tab();
    expect(within(dialog).getByRole("button", { name: "Delete" })).toHaveFocus();
    await user.tab();
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.tab({ shift: true });
    expect(within(dialog).getByRole("button", { name: "Delete" })).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(trigger).toHaveFocus();

    await user.click(trigger);
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(deletes).toEqual([]);
    expect(screen.getByRole("link", { name: "Word count" })).toBeInTheDocument();
  });

  test("deletes on confirmation and says so", async () => {
    const deletes = deletable();
    const user = userEvent.setup();
    renderApp("/workflows");

    await user.click(await screen.findByRole("button", { name: "Delete Word count" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));

    expect(await screen.findByRole("status")).toHaveTextContent("Deleted “Word count”.");
    expect(screen.queryByRole("dialog")).toBeNull();
    await waitFor(() => expect(screen.queryByRole("link", { name: "Word count" })).toBeNull());
    expect(screen.getByRole("link", { name: "Train model" })).toBeInTheDocument();
    expect(deletes).toEqual(["w1"]);
  });

  test("keeps the dialog open with the server's reason when the deletion is refused", async () => {
    workflowsApi(() => HttpResponse.json(workflowPage([workflowSummary({ id: "w1", title: "Word count" })])));
    server.use(
      http.delete("/api/v1/workflows/w1/", () =>
        HttpResponse.json({ detail: "You do not have permission to perform this action." }, { status: 403 }),
      ),
    );
    const user = userEvent.setup();
    renderApp("/workflows");

    await user.click(await screen.findByRole("button", { name: "Delete Word count" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));

    expect(await within(dialog).findByRole("alert")).toHaveTextContent("You do not have permission to perform this action.");
    expect(screen.getByRole("link", { name: "Word count" })).toBeInTheDocument();
  });
});

describe("a new workflow", () => {
  const routes = [
    { path: "/workflows", element: <WorkflowsPage /> },
    { path: "/workflows/:workflowId", element: <h1>Editor</h1> },
  ];

  test("is created on the server, then opened in the editor", async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post("/api/v1/workflows/", async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(workflowSummary({ id: "6a1f000000000000000000ff", title: "Untitled workflow" }), { status: 201 });
      }),
    );
    const user = userEvent.setup();
    const { router } = renderApp("/workflows", { routes });

    await user.click(await screen.findByRole("button", { name: "New workflow" }));

    expect(await screen.findByRole("heading", { name: "Editor" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/workflows/6a1f000000000000000000ff");
    expect(bodies).toEqual([{ title: "Untitled workflow", description: "" }]);
  });

  test("is not offered without the policy to create workflows", async () => {
    server.use(http.get("/api/v1/users/me/", () => HttpResponse.json({ ...defaultUser, policies: ["CAN_VIEW_WORKFLOWS"] })));
    renderApp("/workflows", { routes });
    expect(await screen.findByText("No workflows yet.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "New workflow" })).toBeNull();
  });

  test("says why the server refused to create it", async () => {
    server.use(
      http.post("/api/v1/workflows/", () =>
        HttpResponse.json({ detail: "You do not have permission to perform this action." }, { status: 403 }),
      ),
    );
    const user = userEvent.setup();
    const { router } = renderApp("/workflows", { routes });

    await user.click(await screen.findByRole("button", { name: "New workflow" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not create a workflow: You do not have permission to perform this action.",
    );
    expect(router.state.location.pathname).toBe("/workflows");
  });
});
