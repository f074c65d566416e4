/**
 * The one client of the server's REST API (`/api/v1/`). Every request of the app goes through it.
 *
 * Authentication is the server's session cookie (HttpOnly, same origin): the app never sees or
 * stores a token. Unsafe requests carry Django's CSRF token, read from the `csrftoken` cookie.
 * In single-user mode the server needs no credentials at all.
 */

export const API_BASE = "/api/v1";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** What DRF answers on an error: `{"detail": "..."}`, or field errors `{"field": ["..."]}`. */
export type ApiErrorBody = Record<string, unknown> | string | null;

/** A failed request: the HTTP status (0 when the server could not be reached) and a readable message. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;

  constructor(status: number, message: string, body: ApiErrorBody = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  /** Field errors of a refused form (`{"title": ["This field may not be blank."]}`), by field. */
  get fieldErrors(): Record<string, string[]> {
    if (!this.body || typeof this.body !== "object") return {};
    const fields: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(this.body)) {
      if (name === "detail") continue;
      const messages = flatten(value);
      if (messages.length > 0) fields[name] = messages;
    }
    return fields;
  }
}

function flatten(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => flatten(inner).map((message) => `${key}: ${message}`));
  }
  return [];
}

/** The message of a DRF error body: its `detail`, else the first field error, else the status text. */
export function errorMessage(status: number, body: ApiErrorBody, statusText = ""): string {
  if (body && typeof body === "object") {
    const detail = flatten(body.detail);
    if (detail.length > 0) return detail.join(" ");
    const nonField = flatten(body.non_field_errors);
    if (nonField.length > 0) return nonField.join(" ");
    for (const [name, value] of Object.entries(body)) {
      const [first] = flatten(value);
      if (first !== undefined) return `${name}: ${first}`;
    }
  }
  if (typeof body === "string" && body.trim() !== "" && body.length <= 200 && !body.trimStart().startsWith("<")) {
    return body.trim();
  }
  return `${status} ${statusText}`.trim() || "Request failed";
}

/** The value of a cookie of this page, or null. */
export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

export interface RequestOptions {
  method?: string;
  /** Query parameters; `undefined`, `null` and `""` are left out, arrays repeat the key. */
  query?: Record<string, QueryValue>;
  /** Sent as JSON; a `FormData` is sent as it is (uploads). */
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** `/api/v1` + `path` + the query string. `path` starts with "/" (as in the OpenAPI schema). */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((item) => params.append(key, String(item)));
    else params.append(key, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ""}`;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = (options.method ?? "GET").toUpperCase();
  const headers = new Headers({ Accept: "application/json", ...options.headers });
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.body);
  }
  if (!SAFE_METHODS.has(method)) {
    const token = readCookie("csrftoken");
    if (token) headers.set("X-CSRFToken", token);
  }

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "The server could not be reached.");
  }

  const text = await response.text();
  let parsed: unknown = null;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    const errorBody = (parsed && typeof parsed === "object" ? parsed : typeof parsed === "string" ? parsed : null) as ApiErrorBody;
    throw new ApiError(response.status, errorMessage(response.status, errorBody, response.statusText), errorBody);
  }
  return (text === "" ? undefined : parsed) as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, "method" | "body">) => request<T>(path, { ...options, method: "GET" }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "POST", body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "PATCH", body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "PUT", body }),
  delete: <T = void>(path: string, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "DELETE" }),
};

/** A path segment from a server id or name, escaped so it can never change the path. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}
