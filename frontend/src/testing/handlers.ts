import { http, HttpResponse, type RequestHandler } from "msw";

import { defaultUser, page } from "./data";

/** Default answers for the API calls every page makes; a test overrides them with `server.use`. */
export const handlers: RequestHandler[] = [
  http.get("/api/v1/users/me/", () => HttpResponse.json(defaultUser)),
  http.get("/api/v1/workflows/", () => HttpResponse.json(page([]))),
  http.get("/api/v1/operations/", () => HttpResponse.json(page([]))),
  http.get("/api/v1/runs/", () => HttpResponse.json(page([]))),
  http.get("/api/v1/workers/", () => HttpResponse.json(page([]))),
];
