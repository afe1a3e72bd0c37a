import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { bundleEntry, LAMBDA_ENTRIES, REPO_ROOT, type BundleName } from "../../infra/bundle.js";

interface BundleBudget {
  readonly budgets: Readonly<Record<BundleName, { readonly maxBytes: number }>>;
}

const budget = JSON.parse(readFileSync(join(REPO_ROOT, "bench", "bundle-budget.json"), "utf8")) as BundleBudget;

describe("Lambda bundle", () => {
  for (const name of Object.keys(LAMBDA_ENTRIES) as BundleName[]) {
    const entry = LAMBDA_ENTRIES[name];
    if (!existsSync(join(REPO_ROOT, entry))) {
      it.skip(`bundles ${entry} (skipped: ${entry} does not exist yet)`, () => {});
      continue;
    }

    describe(entry, () => {
      it("builds one ES module that exports handler", () => {
        const bundle = bundleEntry(REPO_ROOT, name);
        const code = readFileSync(join(bundle.directory, "index.mjs"), "utf8");

        assert.match(code, /export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/);
      });

      it("stays within the size budget", () => {
        const bundle = bundleEntry(REPO_ROOT, name);
        const maxBytes = budget.budgets[name].maxBytes;

        assert.ok(bundle.bytes > 0);
        assert.ok(bundle.bytes <= maxBytes, `${entry} bundles to ${bundle.bytes} bytes, over the budget of ${maxBytes} in bench/bundle-budget.json`);
      });
    });
  }
});
