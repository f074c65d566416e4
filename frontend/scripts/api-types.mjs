// Regenerates src/lib/api/schema.d.ts from an OpenAPI schema file of the server:
//
//   (repository root) DATABASE_URL=... .venv/bin/python manage.py spectacular --format openapi-json --file /tmp/openapi.json
//   (frontend/)       npm run api:types -- /tmp/openapi.json
//
// `make frontend-api-types` does both.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const schema = process.argv[2] ?? process.env.PLYNX_OPENAPI_SCHEMA;
if (!schema) {
  console.error("usage: npm run api:types -- <openapi.json>");
  process.exit(2);
}
if (!existsSync(schema)) {
  console.error(`api:types: no such file: ${schema}`);
  process.exit(2);
}
const output = resolve(root, "src/lib/api/schema.d.ts");
execFileSync(resolve(root, "node_modules/.bin/openapi-typescript"), [resolve(schema), "--output", output], {
  stdio: "inherit",
});
