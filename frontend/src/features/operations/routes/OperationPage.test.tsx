import "@/testing/codemirror";

import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import type { Operation } from "@/lib/api/types";
import { page, workflowSummary } from "@/testing/data";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

// The page loads lazily with CodeMirror: the first render of a file can take a few seconds.
configure({ asyncUtilTimeout: 5000 });

const ID = "6a1f00000000000000000001";

function operation(overrides: Partial<Operation> = {}): Operation {
  return {
    ...workflowSummary(),
    id: ID,
    kind: "python",
    title: "Count words",
    description: "Counts the words of a text",
    node_status: "CREATED",
    inputs: [{ name: "text", file_types: ["file"], values: [], min_count: 1, max_count: 1 }],
    outputs: [{ name: "counts", file_type: "csv", resource_id: null }],
    parameters: [
      {
        name: "cmd",
        parameter_type: "code",
        value: { value: "print('counting')\n", mode: "python" },
        mutable_type: false,
        removable: false,
        publicable: false,
        widget: null,
        reference: null,
      },
      { name: "min_length", parameter_type: "int", value: 3, mutable_type: true, removable: true, publicable: true, widget: { alias: "min_length" }, reference: null },
      { name: "_timeout", parameter_type: "int", value: 600, mutable_type: false, removable: false, publicable: false, widget: null, reference: null },
    ],
    logs: [{ name: "stdout", file_type: "file", resource_id: null }],
    nodes: [],
    ...overrides,
  } as Operation;
}

const resourceKinds = ["file", "csv", "json", "int"].map((kind) => ({ kind, title: kind.toUpperCase(), extensions: [], color: "#888", icon: "", is_raw: kind === "int" }));

/** The operation's endpoints, holding the operation as the server would; `requests` records writes. */
function serve(initial: Operation) {
  let current = initial;
  const requests: { method: string; path: string; body: unknown }[] = [];
  const record = async (request: Request) => {
    const text = await request.text();
    requests.push({ method: request.method, path: new URL(request.url).pathname, body: text ? JSON.parse(text) : null });
  };
  server.use(
    http.get("/api/v1/resources/kinds/", () => HttpResponse.json(resourceKinds)),
    http.get(`/api/v1/operations/${ID}/`, () => HttpResponse.json(current)),
    http.put(`/api/v1/operations/${ID}/`, async ({ request }) => {
      await record(request.clone());
      const body = (await request.json()) as Partial<Operation>;
      current = { ...current, ...body, updated_at: new Date(Date.parse(current.updated_at) + 60_000).toISOString() };
      return HttpResponse.json(current);
    }),
    http.post(`/api/v1/operations/${ID}/preview_cmd/`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({ preview_text: "# placeholder paths\nprint('counting')\n" });
    }),
    http.post(`/api/v1/operations/${ID}/approve/`, async ({ request }) => {
      await record(request);
      current = { ...current, node_status: "READY" };
      return HttpResponse.json(current);
    }),
    http.post(`/api/v1/operations/${ID}/deprecate/`, async ({ request }) => {
      await record(request);
      current = { ...current, node_status: "DEPRECATED", successor_node: "6a1f000000000000000000ff" };
      return HttpResponse.json(current);
    }),
  );
  return { requests, current: () => current };
}

async function open(op: Operation) {
  const served = serve(op);
  const rendered = renderApp(`/operations/${op.id}`);
  await screen.findByRole("heading", { name: op.title, level: 1 });
  return { ...served, ...rendered, user: userEvent.setup() };
}

describe("the operation editor", { timeout: 30_000 }, () => {
  test("shows the operation: general fields, inputs, outputs, parameters and the script", async () => {
    await open(operation());
    expect(screen.getByLabelText("Title")).toHaveValue("Count words");
    expect(screen.getByLabelText("Description")).toHaveValue("Counts the words of a text");
    expect(screen.getByLabelText("Input 1 name")).toHaveValue("text");
    expect(await within(screen.getByRole("group", { name: "Input 1 file types" })).findByText("FILE")).toBeInTheDocument();
    expect(screen.getByLabelText("Input 1 minimum")).toHaveValue("1");
    expect(screen.getByLabelText("Output 1 name")).toHaveValue("counts");
    expect(screen.getByLabelText("Output 1 file type")).toHaveValue("csv");
    expect(screen.getByLabelText("min_length")).toHaveValue("3");
    expect(screen.getByLabelText("Parameter 2 name")).toHaveValue("_timeout");
    expect(screen.getByLabelText("Parameter 2 name")).toBeDisabled();
    expect(screen.getByLabelText("Script")).toHaveTextContent("print('counting')");
    expect(screen.getByText("All changes saved")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
  });

  test("edits become unsaved changes; Save sends them and the indicator clears", async () => {
    const { requests, user } = await open(operation());
    await user.type(screen.getByLabelText("Title"), " fast");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "+ Add input" }));
    expect(screen.getByLabelText("Input 2 name")).toHaveValue("in");
    await user.selectOptions(screen.getByLabelText("Add a file type to Input 2"), "json");
    await user.click(within(screen.getByRole("group", { name: "Input 2 file types" })).getByRole("button", { name: "Remove file type file" }));
    await user.click(screen.getByRole("button", { name: "+ Add parameter" }));
    await user.selectOptions(screen.getByLabelText("Parameter 3 type"), "bool");
    await user.click(screen.getByRole("checkbox", { name: "param_1" }));
    await user.click(screen.getByLabelText("Input 2 takes any number"));
    await user.clear(screen.getByLabelText("Parameter 3 label in workflows"));
    await user.type(screen.getByLabelText("Parameter 3 label in workflows"), "Verbose");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await screen.findByText("All changes saved");
    expect(screen.getByRole("status")).toHaveTextContent("Saved.");
    const put = requests.find((r) => r.method === "PUT")?.body as Record<string, unknown>;
    expect(put.title).toBe("Count words fast");
    expect(put.kind).toBe("python");
    expect(put.inputs).toEqual([
      { name: "text", file_types: ["file"], values: [], min_count: 1, max_count: 1 },
      { name: "in", file_types: ["json"], values: [], min_count: 1, max_count: -1 },
    ]);
    expect((put.parameters as { name: string; widget: unknown }[])[3].widget).toEqual({ alias: "Verbose" });
    expect((put.parameters as { name: string; value: unknown; parameter_type: string }[]).map((p) => [p.name, p.parameter_type, p.value])).toEqual([
      ["cmd", "code", { value: "print('counting')\n", mode: "python" }],
      ["min_length", "int", 3],
      ["_timeout", "int", 600],
      ["param_1", "bool", true],
    ]);
  });

  test("Ctrl+S saves", async () => {
    const { requests, user } = await open(operation());
    fireEvent.keyDown(window, { key: "s", ctrlKey: true });
    // Nothing to save yet: nothing is sent (the one PUT below is the edit's).
    await user.clear(screen.getByLabelText("min_length"));
    await user.type(screen.getByLabelText("min_length"), "5");
    fireEvent.keyDown(window, { key: "s", ctrlKey: true });
    await screen.findByText("All changes saved");
    expect(requests.filter((r) => r.method === "PUT")).toHaveLength(1);
    const put = requests.find((r) => r.method === "PUT")?.body as { parameters: { name: string; value: unknown }[] };
    expect(put.parameters.find((p) => p.name === "min_length")?.value).toBe(5);
  });

  test("problems found before saving are named next to their field and nothing is sent", async () => {
    const { requests, user } = await open(operation());
    await user.click(screen.getByRole("button", { name: "+ Add output" }));
    const name = screen.getByLabelText("Output 2 name");
    await user.clear(name);
    await user.type(name, "counts");
    const outputs = screen.getByRole("region", { name: "Outputs" });
    expect(within(outputs).getAllByText('Two outputs are named "counts".')).toHaveLength(2);
    await user.clear(screen.getByLabelText("Input 1 maximum"));
    await user.type(screen.getByLabelText("Input 1 maximum"), "0");
    expect(screen.getByLabelText("Input 1 maximum")).toHaveAttribute("aria-invalid", "true");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByText(/Fix the problem shown before saving: Two outputs are named "counts"\./)).toBeInTheDocument();
    expect(requests).toEqual([]);
  });

  test("the server's refusal is shown next to the field it names", async () => {
    const { user } = await open(operation());
    server.use(
      http.put(`/api/v1/operations/${ID}/`, () =>
        HttpResponse.json({ outputs: ["output 'counts': unknown file type 'xlsx'"] }, { status: 400 }),
      ),
    );
    await user.type(screen.getByLabelText("Description"), ".");
    await user.click(screen.getByRole("button", { name: "Save" }));
    const outputs = screen.getByRole("region", { name: "Outputs" });
    expect(await within(outputs).findByText("output 'counts': unknown file type 'xlsx'")).toBeInTheDocument();
    expect(screen.getAllByRole("alert").some((a) => a.textContent?.startsWith("The operation was not saved"))).toBe(true);
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
  });

  test("Preview command shows the script a worker would run, read-only", async () => {
    const { requests, user } = await open(operation());
    await user.click(screen.getByRole("button", { name: "Preview command" }));
    const preview = await screen.findByLabelText("Command a worker would run");
    expect(preview).toHaveTextContent("# placeholder paths");
    expect(within(preview).getByRole("textbox")).toHaveAttribute("contenteditable", "false");
    expect(requests.map((r) => r.method + " " + r.path)).toEqual([`POST /api/v1/operations/${ID}/preview_cmd/`]);
  });

  test("Preview command saves unsaved changes first", async () => {
    const { requests, user } = await open(operation());
    await user.type(screen.getByLabelText("Title"), "!");
    await user.click(screen.getByRole("button", { name: "Preview command" }));
    await screen.findByLabelText("Command a worker would run");
    expect(requests.map((r) => r.method)).toEqual(["PUT", "POST"]);
  });

  test("Approve makes it ready and read-only, offering Clone to edit", async () => {
    const { user } = await open(operation());
    await user.click(screen.getByRole("button", { name: "Approve" }));
    expect(await screen.findByText("Approved: workflows can use the operation now.")).toBeInTheDocument();
    expect(screen.getByText("ready")).toBeInTheDocument();
    expect(screen.getByText(/This operation is ready: workflows may use it/)).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Save" })).toBeNull();
    expect(screen.getByRole("button", { name: "Clone to edit" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Deprecate" })).toBeInTheDocument();
  });

  test("a refused approval names the parameter and the script problems next to them", async () => {
    const { user } = await open(operation());
    server.use(
      http.post(`/api/v1/operations/${ID}/approve/`, () =>
        HttpResponse.json(
          {
            detail: "'Count words' has 2 problem(s)",
            validation_error: {
              target: "NODE",
              object_id: ID,
              validation_code: "IN_DEPENDENTS",
              message: "'Count words' has 2 problem(s)",
              children: [
                { target: "PARAMETER", object_id: "min_length", validation_code: "INVALID_VALUE", message: "min_length must be positive", children: [] },
                { target: "PARAMETER", object_id: "cmd", validation_code: "INVALID_VALUE", message: "line 1: invalid syntax", children: [] },
              ],
            },
          },
          { status: 400 },
        ),
      ),
    );
    await user.click(screen.getByRole("button", { name: "Approve" }));
    const parameters = screen.getByRole("region", { name: "Parameters" });
    expect(await within(parameters).findByText("min_length must be positive")).toBeInTheDocument();
    expect(within(screen.getByLabelText("Script").closest("section") as HTMLElement).getByText("line 1: invalid syntax")).toBeInTheDocument();
    expect(screen.getByText("The operation was not approved: 'Count words' has 2 problem(s)")).toBeInTheDocument();
  });

  test("Deprecate with a successor found by search", async () => {
    const searches: string[] = [];
    const { requests, user } = await open(operation({ node_status: "READY" }));
    server.use(
      http.get("/api/v1/operations/", ({ request }) => {
        const url = new URL(request.url);
        searches.push(`${url.searchParams.get("search") ?? ""}|${url.searchParams.getAll("status").join(",")}`);
        const found = url.searchParams.get("search") === "count"
          ? [operation({ id: "6a1f000000000000000000ff", title: "Count words v2", node_status: "READY" }), operation({ node_status: "READY" })]
          : [];
        return HttpResponse.json(page(found));
      }),
    );
    server.use(
      http.get("/api/v1/operations/6a1f000000000000000000ff/", () =>
        HttpResponse.json(operation({ id: "6a1f000000000000000000ff", title: "Count words v2", node_status: "READY" })),
      ),
    );
    await user.click(screen.getByRole("button", { name: "Deprecate" }));
    const dialog = screen.getByRole("dialog", { name: "Deprecate" });
    await user.type(within(dialog).getByLabelText("Successor"), "count");
    await user.click(await within(dialog).findByRole("radio", { name: /Count words v2/ }));
    // The operation itself is not offered as its own successor.
    expect(within(dialog).getAllByRole("radio")).toHaveLength(2);
    expect(within(dialog).getByText("Replaced by “Count words v2”.")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Deprecate" }));

    expect(await screen.findByText("Deprecated.")).toBeInTheDocument();
    expect(requests.find((r) => r.path.endsWith("/deprecate/"))?.body).toEqual({ successor: "6a1f000000000000000000ff" });
    expect(searches).toContain("count|READY");
    expect(screen.getByText("deprecated")).toBeInTheDocument();
    expect(await screen.findByRole("link", { name: "Count words v2" })).toHaveAttribute("href", "/operations/6a1f000000000000000000ff");
    expect(screen.getByRole("button", { name: "Mandatory deprecate" })).toBeInTheDocument();
  });

  test("another user's operation is read-only, and Clone to edit opens an editable copy", async () => {
    const COPY = "6a1f000000000000000000c0";
    const { requests, user, router } = await open(operation({ readonly: true, author_name: "alice" }));
    server.use(
      http.post(`/api/v1/operations/${ID}/clone/`, async ({ request }) => {
        requests.push({ method: "POST", path: new URL(request.url).pathname, body: null });
        return HttpResponse.json(operation({ id: COPY, parent_node: ID }), { status: 201 });
      }),
      http.get(`/api/v1/operations/${COPY}/`, () => HttpResponse.json(operation({ id: COPY, parent_node: ID }))),
    );
    expect(screen.getByText("This operation belongs to alice: you can read it, or clone it to make your own.")).toBeInTheDocument();
    for (const field of [screen.getByLabelText("Title"), screen.getByLabelText("Input 1 name"), screen.getByLabelText("min_length"), screen.getByLabelText("Output 1 file type")]) {
      expect(field).toBeDisabled();
    }
    expect(screen.getByLabelText("Script").querySelector("[contenteditable]")).toHaveAttribute("contenteditable", "false");
    for (const name of ["Save", "Approve", "Deprecate", "+ Add input", "+ Add parameter"]) {
      expect(screen.queryByRole("button", { name })).toBeNull();
    }
    await user.click(screen.getByRole("button", { name: "Clone to edit" }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/operations/${COPY}`));
    expect(await screen.findByRole("button", { name: "Save" })).toBeInTheDocument();
    // The copy names the operation it was made from.
    expect(screen.getByRole("link", { name: "Count words" })).toHaveAttribute("href", `/operations/${ID}`);
    expect(screen.getByLabelText("Title")).toBeEnabled();
  });

  test("a new operation: choose a kind, edit, and Save creates it", async () => {
    const NEW = "6a1f0000000000000000000e";
    let created: Record<string, unknown> | null = null;
    server.use(
      http.get("/api/v1/resources/kinds/", () => HttpResponse.json(resourceKinds)),
      http.get("/api/v1/hubs/", () =>
        HttpResponse.json([
          {
            kind: "database",
            title: "Operations",
            icon: "database",
            groups: [
              { key: "file", kind: "file", title: "File", icon: "file", color: "#9e9e9e", count: 0 },
              { key: "python", kind: "python", title: "Python", icon: "code", color: "#283593", count: 2 },
              { key: "bash_jinja2", kind: "bash_jinja2", title: "BashJinja2", icon: "terminal", color: "#0277bd", count: 0 },
            ],
          },
        ]),
      ),
      http.post("/api/v1/operations/", async ({ request }) => {
        created = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(operation({ ...(created as Partial<Operation>), id: NEW }), { status: 201 });
      }),
      http.get(`/api/v1/operations/${NEW}/`, () => HttpResponse.json(operation({ ...(created as Partial<Operation>), id: NEW }))),
    );
    const { router } = renderApp("/operations/new");
    const user = userEvent.setup();
    const kinds = await screen.findByRole("list", { name: "Operation kinds" });
    // Files are uploaded, not written here.
    expect(within(kinds).getAllByRole("button").map((b) => b.querySelector("strong")?.textContent)).toEqual(["Python", "BashJinja2"]);
    await user.click(within(kinds).getByRole("button", { name: /BashJinja2/ }));
    expect(await screen.findByText("Not saved yet")).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveValue("New BashJinja2 operation");
    expect(screen.getByLabelText("Script")).toHaveTextContent("{{ outputs.out }}");
    await user.clear(screen.getByLabelText("Title"));
    await user.type(screen.getByLabelText("Title"), "Sort lines");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(router.state.location.pathname).toBe(`/operations/${NEW}`));
    expect(created).toMatchObject({
      kind: "bash_jinja2",
      title: "Sort lines",
      parameters: [
        { name: "cmd", parameter_type: "code", value: { mode: "sh" } },
        { name: "cacheable", parameter_type: "bool", value: true },
        { name: "_timeout", parameter_type: "int", value: 600 },
      ],
      logs: [{ name: "stderr" }, { name: "stdout" }, { name: "worker" }],
    });
    expect(await screen.findByRole("heading", { name: "Sort lines", level: 1 })).toBeInTheDocument();
  });

  test("leaving with unsaved changes asks first", async () => {
    const { user, router } = await open(operation());
    await user.type(screen.getByLabelText("Description"), "!");
    await user.click(screen.getByRole("link", { name: "← Operations" }));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog).toHaveTextContent("This operation has unsaved changes. Leave and lose them?");
    await user.click(within(dialog).getByRole("button", { name: "Stay" }));
    expect(router.state.location.pathname).toBe(`/operations/${ID}`);
    expect(screen.getByLabelText("Description")).toHaveValue("Counts the words of a text!");
    await user.click(screen.getByRole("link", { name: "← Operations" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Leave without saving" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/operations"));
  });

  test("Mandatory deprecate without a successor", async () => {
    const { user } = await open(operation({ node_status: "DEPRECATED" }));
    let body: unknown = "none";
    server.use(
      http.post(`/api/v1/operations/${ID}/mandatory_deprecate/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(operation({ node_status: "MANDATORY_DEPRECATED" }));
      }),
    );
    expect(screen.queryByRole("button", { name: "Deprecate" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Mandatory deprecate" }));
    const dialog = screen.getByRole("dialog", { name: "Deprecate mandatorily" });
    expect(within(dialog).getByRole("radio", { name: "None" })).toBeChecked();
    await user.click(within(dialog).getByRole("button", { name: "Mandatory deprecate" }));
    expect(await screen.findByText("mandatory deprecated")).toBeInTheDocument();
    expect(body).toEqual({ successor: null });
    expect(screen.queryByRole("button", { name: "Mandatory deprecate" })).toBeNull();
  });

  test("a missing operation says so", async () => {
    server.use(http.get(`/api/v1/operations/${ID}/`, () => HttpResponse.json({ detail: "No Operation matches the given query." }, { status: 404 })));
    renderApp(`/operations/${ID}`);
    expect(await screen.findByRole("alert")).toHaveTextContent("No Operation matches the given query. (404)");
  });
});
