import { setupServer } from "msw/node";

import { handlers } from "./handlers";

/** The MSW server of the test suite: default handlers, overridden per test with `server.use`. */
export const server = setupServer(...handlers);
