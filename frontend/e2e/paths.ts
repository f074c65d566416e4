import { fileURLToPath } from "node:url";

// Where the suite writes, all under the checkout's var/ (ignored by git).
const VAR = fileURLToPath(new URL("../../var/", import.meta.url));

/** The session of the seeded user, saved by the log-in step for every spec. */
export const AUTH_STATE = `${VAR}e2e/alice.json`;
/** Screenshots of the interface the suite takes on the way (named in the top-level README). */
export const SCREENSHOTS = `${VAR}screenshots/`;
/** Traces, failure screenshots and the HTML report. */
export const RESULTS = `${VAR}e2e/results/`;
export const REPORT = `${VAR}e2e/report/`;
