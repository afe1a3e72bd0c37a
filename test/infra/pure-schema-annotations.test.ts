import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { build, transform } from "esbuild";

import { REPO_ROOT } from "../../infra/bundle.js";
import { annotatePureSchemas, authheroPureSchemas } from "../../infra/pure-schema-annotations.js";

const IMPORT = 'import { z as r } from "@hono/zod-openapi";\n';

/** Minifies `source` after annotation as the Lambda build does, keeping `@hono/zod-openapi` external. */
async function shake(source: string): Promise<string> {
  const { code } = await transform(annotatePureSchemas(source).code, { format: "esm", minify: true, treeShaking: true });
  return code;
}

describe("pure schema annotations", () => {
  it("drops unused schema chains and keeps used ones", async () => {
    const code = await shake(
      IMPORT +
        'var Base = r.object({ id: r.string().openapi({ example: "a" }), tags: r.array(r.string()).optional() });\n' +
        'var Unused = Base.extend({ extra: r.number().int().min(0) }).openapi("Unused");\n' +
        'r.object({ discarded: r.enum(["a", "b"]) });\n' +
        'var Used = Base.pick({ id: true });\n' +
        "export { Used };\n",
    );

    assert.ok(!code.includes("Unused"), code);
    assert.ok(!code.includes("discarded"), code);
    assert.ok(!code.includes("extra"), code);
    assert.ok(code.includes("pick"), code);
    assert.ok(code.includes("tags"), "the base schema stays, because the used schema is built from it");
  });

  it("marks every call of a chain", () => {
    const source = IMPORT + "var S = r.object({ a: r.string().min(1) }).optional();\n";

    const { code, calls, zodBinding } = annotatePureSchemas(source);

    assert.equal(zodBinding, "r");
    // `.optional()` and `r.object()` start at one offset and share a mark; so do `.min()` and `r.string()`.
    assert.equal(calls, 2);
    assert.equal(code.match(/@__PURE__/g)?.length, 2);
  });

  // Each case: a name, the set-up statements, and the statement that must stay unmarked.
  const KEPT: Array<[string, string, string]> = [
    ["a call that writes shared state", "", "r.config({ jitless: true });"],
    ["a schema registered in a registry", "var registry = r.registry();", 'r.string().register(registry, { id: "x" });'],
    ["a parse", "var S = r.string();", 'S.parse("x");'],
    ["an argument computed by another function", "function f() { globalThis.hit = 1; return 1; }", "r.string().min(f());"],
    ["a spread argument", "var list = [1];", "r.literal(...list);"],
    ["an object with a spread", "var extra = {};", "r.object({ ...extra });"],
    ["a computed key", 'var key = "k";', "r.object({ [key]: r.string() });"],
    ["an optional call", "var maybe = r;", "maybe?.string();"],
    ["a chain on a reassigned variable", "var S = r.string(); S = { optional() { globalThis.hit = 1; } };", "S.optional();"],
  ];
  for (const [name, setup, statement] of KEPT) {
    it(`leaves ${name} unmarked`, () => {
      const source = `${IMPORT}${setup}\n${statement}\n`;

      const { code } = annotatePureSchemas(source);

      // A mark goes directly before a call, so a marked statement would no longer appear as written.
      assert.ok(code.includes(`\n${statement}\n`), code);
    });
  }

  it("does not look inside function bodies", () => {
    const source = IMPORT + "function build(r) { return r.object({}); }\nvar S = () => r.string();\n";

    const { code, calls } = annotatePureSchemas(source);

    assert.equal(calls, 0);
    assert.equal(code, source);
  });

  it("leaves a module without the zod import unchanged", () => {
    const source = 'import { z } from "zod";\nz.object({});\n';

    const result = annotatePureSchemas(source);

    assert.equal(result.zodBinding, undefined);
    assert.equal(result.code, source);
  });

  it("finds schema chains in the installed AuthHero module", () => {
    const source = readFileSync(join(REPO_ROOT, "node_modules", "authhero", "dist", "authhero.mjs"), "utf8");

    const { calls, zodBinding } = annotatePureSchemas(source);

    assert.ok(zodBinding !== undefined, "AuthHero's module no longer imports z from @hono/zod-openapi");
    assert.ok(calls > 1000, `only ${calls} calls marked`);
  });

  it("warns when AuthHero's module has no zod import", async () => {
    const root = await mkdtemp(join(tmpdir(), "pure-schema-annotations-"));
    try {
      const dist = join(root, "node_modules", "authhero", "dist");
      await mkdir(dist, { recursive: true });
      await writeFile(join(root, "node_modules", "authhero", "package.json"), JSON.stringify({ name: "authhero", module: "dist/authhero.mjs" }));
      await writeFile(join(dist, "authhero.mjs"), 'import { z } from "zod";\nexport const schema = z.object({});\n');

      const result = await build({
        stdin: { contents: 'export { schema } from "authhero";', resolveDir: root },
        bundle: true,
        write: false,
        format: "esm",
        platform: "node",
        mainFields: ["module"],
        external: ["zod"],
        logLevel: "silent",
        plugins: [authheroPureSchemas],
      });

      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0]!.text, /imports no "z" from "@hono\/zod-openapi"/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
