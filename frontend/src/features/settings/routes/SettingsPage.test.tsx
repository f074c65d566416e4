import { configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import type { Me } from "@/lib/api/types";
import { defaultUser, page } from "@/testing/data";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

import type { User } from "../api/settings";

// The first page a test file renders also loads the app's modules, which can take a few seconds on a busy machine.
configure({ asyncUtilTimeout: 5000 });

const admin: Me = { ...defaultUser, username: "root", is_admin: true, policies: ["IS_ADMIN"] };

function account(overrides: Partial<User>): User {
  return {
    id: 2,
    username: "alice",
    email: "alice@example.com",
    display_name: "Alice",
    picture: "",
    policies: ["CAN_VIEW_OPERATIONS", "CAN_VIEW_WORKFLOWS"],
    is_admin: false,
    is_active: true,
    last_login: null,
    created_at: "2026-11-01T10:00:00Z",
    updated_at: "2026-11-01T10:00:00Z",
    ...overrides,
  };
}

describe("the settings page", () => {
  test("is reached from the user's name in the top bar", async () => {
    const user = userEvent.setup();
    const { router } = renderApp("/workflows");

    await user.click(await screen.findByRole("link", { name: "default" }));

    expect(await screen.findByRole("heading", { name: "Settings" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/settings");
    // Not an administrator: no users section.
    expect(screen.queryByRole("heading", { name: "Users" })).toBeNull();
  });

  test("saves the display name and preferences, and the top bar shows the new name", async () => {
    const patches: unknown[] = [];
    server.use(
      http.patch("/api/v1/users/me/", async ({ request }) => {
        const body = (await request.json()) as { display_name: string; settings: Me["settings"] };
        patches.push(body);
        return HttpResponse.json({ ...defaultUser, display_name: body.display_name, settings: { ...defaultUser.settings, ...body.settings } });
      }),
    );
    const user = userEvent.setup();
    renderApp("/settings");
    const save = await screen.findByRole("button", { name: "Save settings" });
    expect(save).toBeDisabled();

    await user.type(screen.getByLabelText("Display name"), "Dana Scully");
    await user.click(screen.getByRole("checkbox", { name: "Auto-run" }));
    await user.selectOptions(screen.getByLabelText("Theme"), "dark");
    await user.clear(screen.getByLabelText("Rows per page"));
    await user.type(screen.getByLabelText("Rows per page"), "50");
    await user.click(save);

    expect(await screen.findByRole("status")).toHaveTextContent("Settings saved.");
    expect(patches).toEqual([{ display_name: "Dana Scully", settings: { theme: "dark", auto_run: true, page_size: 50 } }]);
    expect(screen.getByRole("link", { name: "Dana Scully" })).toHaveAttribute("href", "/settings");
    expect(screen.getByRole("button", { name: "Save settings" })).toBeDisabled();
    // The chosen theme applies at once.
    expect(document.documentElement).toHaveAttribute("data-theme", "dark");
  });

  test("shows the server's refusal under the field it names", async () => {
    server.use(
      http.patch("/api/v1/users/me/", () =>
        HttpResponse.json({ display_name: ["Ensure this field has no more than 150 characters."] }, { status: 400 }),
      ),
    );
    const user = userEvent.setup();
    renderApp("/settings");

    await user.type(await screen.findByLabelText("Display name"), "x");
    await user.click(screen.getByRole("button", { name: "Save settings" }));

    const field = screen.getByLabelText("Display name");
    await waitFor(() => expect(field).toHaveAttribute("aria-invalid", "true"));
    expect(field).toHaveAccessibleDescription(
      "Shown in the top bar instead of your username. Ensure this field has no more than 150 characters.",
    );
    expect(screen.queryByRole("status")).toBeNull();
  });

  test("refuses a page size out of bounds before asking the server", async () => {
    const user = userEvent.setup();
    renderApp("/settings");

    await user.clear(await screen.findByLabelText("Rows per page"));
    await user.type(screen.getByLabelText("Rows per page"), "500");

    expect(screen.getByLabelText("Rows per page")).toHaveAccessibleDescription(
      "In the lists of workflows, operations and runs (1 to 100). A whole number from 1 to 100.",
    );
    expect(screen.getByRole("button", { name: "Save settings" })).toBeDisabled();
  });
});

describe("changing the password", () => {
  function passwordApi(respond: (body: Record<string, string>) => Response) {
    const bodies: Record<string, string>[] = [];
    server.use(
      http.post("/api/v1/users/me/password/", async ({ request }) => {
        const body = (await request.json()) as Record<string, string>;
        bodies.push(body);
        return respond(body);
      }),
    );
    return bodies;
  }

  async function fill(current: string, next: string, confirmation: string) {
    const user = userEvent.setup();
    renderApp("/settings");
    await user.type(await screen.findByLabelText("Current password"), current);
    await user.type(screen.getByLabelText("New password"), next);
    await user.type(screen.getByLabelText("Confirm new password"), confirmation);
    await user.click(screen.getByRole("button", { name: "Change password" }));
    return user;
  }

  test("sends the current and the new password, then clears the form", async () => {
    const bodies = passwordApi(() => new HttpResponse(null, { status: 204 }));

    await fill("old secret", "a much better secret", "a much better secret");

    expect(await screen.findByRole("status")).toHaveTextContent("Password changed.");
    expect(bodies).toEqual([{ old_password: "old secret", new_password: "a much better secret" }]);
    expect(screen.getByLabelText("Current password")).toHaveValue("");
    expect(screen.getByLabelText("New password")).toHaveValue("");
  });

  test("says under each field what the server refused", async () => {
    passwordApi((body) =>
      body.old_password === "wrong"
        ? HttpResponse.json({ old_password: ["The old password is not correct."] }, { status: 400 })
        : HttpResponse.json({ new_password: ["This password is too short. It must contain at least 8 characters."] }, { status: 400 }),
    );

    const user = await fill("wrong", "short", "short");
    expect(await screen.findByText("The old password is not correct.")).toBeInTheDocument();
    expect(screen.getByLabelText("Current password")).toHaveAccessibleDescription("The old password is not correct.");
    expect(screen.getByLabelText("New password")).not.toHaveAttribute("aria-invalid");

    await user.clear(screen.getByLabelText("Current password"));
    await user.type(screen.getByLabelText("Current password"), "right");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    await waitFor(() =>
      expect(screen.getByLabelText("New password")).toHaveAccessibleDescription(
        "This password is too short. It must contain at least 8 characters.",
      ),
    );
    expect(screen.getByLabelText("Current password")).not.toHaveAttribute("aria-invalid");
  });

  test("refuses two different new passwords without asking the server", async () => {
    const bodies = passwordApi(() => new HttpResponse(null, { status: 204 }));

    await fill("old secret", "first choice", "second choice");

    expect(screen.getByLabelText("Confirm new password")).toHaveAccessibleDescription("The two new passwords differ.");
    expect(bodies).toEqual([]);
  });

  test("shows a refusal about the request as a whole (single-user mode) as an alert", async () => {
    passwordApi(() =>
      HttpResponse.json(
        { detail: ["Passwords are not used in single-user mode; configure a secret key to run in multi-user mode."] },
        { status: 400 },
      ),
    );

    await fill("x", "a new password", "a new password");

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Passwords are not used in single-user mode; configure a secret key to run in multi-user mode.",
    );
  });
});

describe("users, for administrators", () => {
  function usersApi(initial: User[]) {
    let users = initial;
    const patches: { username: string; body: unknown }[] = [];
    const creates: unknown[] = [];
    server.use(
      http.get("/api/v1/users/me/", () => HttpResponse.json(admin)),
      http.get("/api/v1/users/", () => HttpResponse.json(page(users))),
      http.patch("/api/v1/users/:username/", async ({ params, request }) => {
        const body = (await request.json()) as Partial<User>;
        patches.push({ username: String(params.username), body });
        if (params.username === "root" && body.is_active === false) {
          return HttpResponse.json({ is_active: ["An administrator cannot deactivate themselves."] }, { status: 400 });
        }
        users = users.map((user) => (user.username === params.username ? { ...user, ...body } : user));
        return HttpResponse.json(users.find((user) => user.username === params.username));
      }),
      http.post("/api/v1/users/", async ({ request }) => {
        const body = (await request.json()) as { username: string; email: string; policies: User["policies"] };
        creates.push(body);
        if (users.some((user) => user.username === body.username)) {
          return HttpResponse.json({ username: ["A user with that username already exists."] }, { status: 400 });
        }
        const created = account({ id: 9, username: body.username, email: body.email, display_name: "", policies: body.policies });
        users = [...users, created];
        return HttpResponse.json(created, { status: 201 });
      }),
    );
    return { patches, creates };
  }

  test("lists the users with their policies, and saves a user's changed policies", async () => {
    const { patches } = usersApi([account({}), account({ id: 1, username: "root", is_admin: true, policies: ["IS_ADMIN"] })]);
    const user = userEvent.setup();
    renderApp("/settings");

    const row = (await screen.findByText("alice")).closest("tr")!;
    expect(within(row).getByText("View operations, View workflows")).toBeInTheDocument();
    await user.click(within(row).getByRole("button", { name: "Edit alice" }));
    const editor = screen.getByRole("form", { name: "Edit alice" });
    const policies = within(editor).getByRole("group", { name: "Policies of alice" });
    expect(within(policies).getByRole("checkbox", { name: "View operations" })).toBeChecked();
    expect(within(policies).getByRole("checkbox", { name: "Run workflows" })).not.toBeChecked();

    await user.click(within(policies).getByRole("checkbox", { name: "Run workflows" }));
    await user.click(within(policies).getByRole("checkbox", { name: "View operations" }));
    await user.click(within(editor).getByRole("button", { name: "Save" }));

    expect(await screen.findByRole("status")).toHaveTextContent("Saved the changes to “alice”.");
    expect(patches).toEqual([
      {
        username: "alice",
        body: { display_name: "Alice", is_active: true, policies: ["CAN_VIEW_WORKFLOWS", "CAN_RUN_WORKFLOWS"] },
      },
    ]);
    expect(await screen.findByText("View workflows, Run workflows")).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Edit alice" })).toBeNull();
  });

  test("keeps the editor open with the server's refusal under the field", async () => {
    usersApi([account({ id: 1, username: "root", is_admin: true, policies: ["IS_ADMIN"] })]);
    const user = userEvent.setup();
    renderApp("/settings");

    await user.click(await screen.findByRole("button", { name: "Edit root" }));
    const editor = screen.getByRole("form", { name: "Edit root" });
    await user.click(within(editor).getByRole("checkbox", { name: "Active" }));
    await user.click(within(editor).getByRole("button", { name: "Save" }));

    expect(await within(editor).findByText("An administrator cannot deactivate themselves.")).toBeInTheDocument();
    expect(screen.getByRole("form", { name: "Edit root" })).toBeInTheDocument();
  });

  test("creates a user with the default policies unless changed, and names a refused field", async () => {
    const { creates } = usersApi([account({})]);
    const user = userEvent.setup();
    renderApp("/settings");

    await user.click(await screen.findByRole("button", { name: "New user" }));
    const form = screen.getByRole("form", { name: "New user" });
    await user.type(within(form).getByLabelText("Username"), "alice");
    await user.type(within(form).getByLabelText("Password"), "correct horse battery");
    await user.click(within(form).getByRole("button", { name: "Create user" }));
    expect(await within(form).findByText("A user with that username already exists.")).toBeInTheDocument();
    expect(within(form).getByLabelText("Username")).toHaveAttribute("aria-invalid", "true");

    await user.clear(within(form).getByLabelText("Username"));
    await user.type(within(form).getByLabelText("Username"), "bob");
    await user.type(within(form).getByLabelText("Email"), "bob@example.com");
    await user.click(within(form).getByRole("checkbox", { name: "Create workflows" }));
    await user.click(within(form).getByRole("button", { name: "Create user" }));

    expect(await screen.findByRole("status")).toHaveTextContent("Created the user “bob”.");
    expect(await screen.findByText("bob")).toBeInTheDocument();
    expect(creates.at(-1)).toEqual({
      username: "bob",
      password: "correct horse battery",
      email: "bob@example.com",
      policies: [
        "CAN_VIEW_OPERATIONS",
        "CAN_VIEW_OTHERS_OPERATIONS",
        "CAN_CREATE_OPERATIONS",
        "CAN_VIEW_WORKFLOWS",
        "CAN_VIEW_OTHERS_WORKFLOWS",
        "CAN_MODIFY_OTHERS_WORKFLOWS",
        "CAN_RUN_WORKFLOWS",
      ],
    });
  });
});
