import type { RequestHandler } from "msw";

/** Default handlers: answers for the API calls every page makes. */
export const handlers: RequestHandler[] = [];
