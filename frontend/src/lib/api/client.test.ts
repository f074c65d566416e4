import { http, HttpResponse } from "msw";
import { describe, expect, test } from "vitest";

import { server } from "@/testing/server";

import { ApiError, api, apiUrl, errorMessage, segment } from "./client";

function capture(method: "get" | "post" | "delete", path: string, answer: () => Response = () => HttpResponse.json({})) {
  const requests: Request[] = [];
  server.use(
    http[method](path, ({ request }) => {
      requests.push(request.clone());
      return answer();
    }),
  );
  return requests;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("requests", () => {
  test("a read goes to /api/v1 with the query, the session cookie and no CSRF header", async () => {
    document.cookie = "csrftoken=tok123; path=/";
    const requests = capture("get", "/api/v1/workflows/", () => HttpResponse.json({ count: 0, results: [] }));

    const data = await api.get("/workflows/", { query: { search: "author:alice", offset: 0, status: ["READY", "CREATED"], kind: "" } });

    expect(data).toEqual({ count: 0, results: [] });
    expect(requests).toHaveLength(1);
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe("/api/v1/workflows/");
    expect([...url.searchParams]).toEqual([
      ["search", "author:alice"],
      ["offset", "0"],
      ["status", "READY"],
      ["status", "CREATED"],
    ]);
    expect(requests[0]!.credentials).toBe("same-origin");
    expect(requests[0]!.headers.get("Accept")).toBe("application/json");
    expect(requests[0]!.headers.has("X-CSRFToken")).toBe(false);
  });

  test("a write carries the CSRF token of the csrftoken cookie and a JSON body", async () => {
    document.cookie = "other=1; path=/";
    document.cookie = "csrftoken=tok%2B123; path=/";
    const requests = capture("post", "/api/v1/workflows/abc/run/", () => HttpResponse.json({ run_id: "r1" }, { status: 201 }));

    const data = await api.post("/workflows/abc/run/", { title: "<b>x</b>" });

    expect(data).toEqual({ run_id: "r1" });
    expect(requests[0]!.headers.get("X-CSRFToken")).toBe("tok+123");
    expect(requests[0]!.headers.get("Content-Type")).toBe("application/json");
    expect(await requests[0]!.json()).toEqual({ title: "<b>x</b>" });
  });

  test("a write without the cookie (single-user mode) sends no CSRF header", async () => {
    const requests = capture("delete", "/api/v1/workflows/abc/", () => new HttpResponse(null, { status: 204 }));

    const data = await api.delete("/workflows/abc/");

    expect(data).toBeUndefined();
    expect(requests[0]!.headers.has("X-CSRFToken")).toBe(false);
  });

  test("an id never changes the path it is put in", () => {
    expect(apiUrl(`/workflows/${segment("../users/me")}/`)).toBe("/api/v1/workflows/..%2Fusers%2Fme/");
  });
});

describe("errors", () => {
  test.each([
    { name: "DRF detail", status: 404, body: { detail: "Not found." }, message: "Not found." },
    { name: "detail list", status: 400, body: { detail: ["Wrong username or password."] }, message: "Wrong username or password." },
    { name: "field error", status: 400, body: { title: ["This field may not be blank."] }, message: "title: This field may not be blank." },
    { name: "non-field error", status: 400, body: { non_field_errors: ["Bad pair."] }, message: "Bad pair." },
    { name: "nested field error", status: 400, body: { nodes: [{ x: ["A valid integer is required."] }] }, message: "nodes: x: A valid integer is required." },
    { name: "permission", status: 403, body: { detail: "You do not have permission to perform this action." }, message: "You do not have permission to perform this action." },
  ])("$name becomes an ApiError with the status and the message", async ({ status, body, message }) => {
    capture("get", "/api/v1/thing/", () => HttpResponse.json(body, { status }));

    const error = await rejection(api.get("/thing/"));

    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
    expect(error.body).toEqual(body);
  });

  test("field errors are listed by field", async () => {
    capture("post", "/api/v1/thing/", () =>
      HttpResponse.json({ title: ["Too long."], parameters: ["Unknown type.", "Bad value."] }, { status: 400 }),
    );

    const error = await rejection(api.post("/thing/", {}));

    expect(error.fieldErrors).toEqual({ title: ["Too long."], parameters: ["Unknown type.", "Bad value."] });
  });

  test("an HTML error page is not shown, its status is", async () => {
    capture("get", "/api/v1/thing/", () =>
      new HttpResponse("<h1>Server Error (500)</h1>", { status: 500, statusText: "Internal Server Error", headers: { "Content-Type": "text/html" } }),
    );

    const error = await rejection(api.get("/thing/"));

    expect(error.status).toBe(500);
    expect(error.message).toBe("500 Internal Server Error");
  });

  test("an unreachable server is status 0", async () => {
    server.use(http.get("/api/v1/thing/", () => HttpResponse.error()));

    const error = await rejection(api.get("/thing/"));

    expect(error.status).toBe(0);
    expect(error.message).toBe("The server could not be reached.");
  });

  test("a short plain-text error is its own message", () => {
    expect(errorMessage(502, "Bad gateway from proxy")).toBe("Bad gateway from proxy");
    expect(errorMessage(502, null, "Bad Gateway")).toBe("502 Bad Gateway");
  });
});
