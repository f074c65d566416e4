import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import { defaultUser } from "@/testing/data";
import { server } from "@/testing/server";
import { renderApp } from "@/testing/test-utils";

import { safeNext } from "./LoginPage";

const ANONYMOUS = () => HttpResponse.json({ detail: "Authentication credentials were not provided." }, { status: 401 });

describe("logging in", () => {
  test("posts the credentials with the CSRF token the server set, then opens the page asked for", async () => {
    let signedIn = false;
    const posts: Request[] = [];
    server.use(
      http.get("/api/v1/users/me/", () => (signedIn ? HttpResponse.json({ ...defaultUser, username: "alice" }) : ANONYMOUS())),
      http.get("/api/v1/auth/session/login/", () => {
        // What Django's ensure_csrf_cookie does: the cookie the app must echo.
        document.cookie = "csrftoken=server-token; path=/";
        return HttpResponse.json({ detail: "POST a username and password here to log in with a session." });
      }),
      http.post("/api/v1/auth/session/login/", async ({ request }) => {
        posts.push(request.clone());
        signedIn = true;
        return HttpResponse.json({ ...defaultUser, username: "alice" });
      }),
    );
    const user = userEvent.setup();
    const { router } = renderApp("/runs");

    await user.type(await screen.findByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "s3cret!");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(await screen.findByRole("heading", { name: "Runs" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/runs");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.get("X-CSRFToken")).toBe("server-token");
    expect(await posts[0]!.json()).toEqual({ username: "alice", password: "s3cret!" });
    // The session cookie is the server's; the app keeps no token of its own.
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
  });

  test("says why a log-in was refused and stays on the page", async () => {
    server.use(
      http.get("/api/v1/users/me/", ANONYMOUS),
      http.get("/api/v1/auth/session/login/", () => HttpResponse.json({})),
      http.post("/api/v1/auth/session/login/", () => HttpResponse.json({ detail: ["Wrong username or password."] }, { status: 400 })),
    );
    const user = userEvent.setup();
    const { router } = renderApp("/login");

    await user.type(await screen.findByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "nope");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong username or password.");
    expect(router.state.location.pathname).toBe("/login");
  });

  test("in single-user mode the log-in page lets the user straight in", async () => {
    const { router } = renderApp("/login?next=/operations");

    expect(await screen.findByRole("heading", { name: "Operations" })).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.pathname).toBe("/operations"));
  });

  test.each([
    ["/runs?status=RUNNING", "/runs?status=RUNNING"],
    ["//evil.example/", "/workflows"],
    ["/\\evil.example/", "/workflows"],
    ["https://evil.example/", "/workflows"],
    [null, "/workflows"],
  ])("the page after log-in %s is %s", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
