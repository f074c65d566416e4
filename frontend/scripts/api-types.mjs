// Regenerates src/lib/api/schema.d.ts from an OpenAPI schema file of the server:
//
//   (repository root) .venv/bin/python manage.py spectacular --format openapi-json --file var/openapi.json
//   (frontend/)       npm run api:types -- ../var/openapi.json
//
// `make frontend-api-types` does both. With --check, nothing is written: the command fails when
// the committed types differ from the schema's (`make test` runs it, so an API change made without
// regenerating the types is caught).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const check = args.includes("--check");
const schema = args.find((arg) => !arg.startsWith("--")) ?? process.env.PLYNX_OPENAPI_SCHEMA;
if (!schema) {
  console.error("usage: npm run api:types -- [--check] <openapi.json>");
  process.exit(2);
}
if (!existsSync(schema)) {
  console.error(`api:types: no such file: ${schema}`);
  process.exit(2);
}

const committed = resolve(root, "src/lib/api/schema.d.ts");
const scratch = check ? mkdtempSync(join(tmpdir(), "plynx-api-types-")) : null;
const output = scratch ? join(scratch, "schema.d.ts") : committed;
try {
  execFileSync(resolve(root, "node_modules/.bin/openapi-typescript"), [resolve(schema), "--output", output], {
    stdio: "inherit",
  });
  if (check) {
    if (!existsSync(committed) || readFileSync(committed, "utf8") !== readFileSync(output, "utf8")) {
      console.error("src/lib/api/schema.d.ts is not the server's current API: run `make frontend-api-types`.");
      process.exit(1);
    }
    console.log("src/lib/api/schema.d.ts matches the server's schema.");
  }
} finally {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
