import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse as parseYaml } from "yaml";

import { REPO_ROOT } from "../../infra/bundle.js";
import { readStackFile } from "./harness.js";

describe("project files", () => {
  describe("Pulumi.yaml", () => {
    const project = parseYaml(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
      name: string;
      main: string;
      runtime: { name: string; options: { typescript: boolean; nodeargs: string } };
    };

    it("names the project and its entry", () => {
      assert.equal(project.name, "authhero-global");
      assert.equal(project.main, "infra/index.ts");
      assert.ok(existsSync(join(REPO_ROOT, project.main)));
    });

    it("runs TypeScript through tsx", () => {
      assert.equal(project.runtime.name, "nodejs");
      assert.equal(project.runtime.options.typescript, false);
      assert.equal(project.runtime.options.nodeargs, "--import tsx");
    });
  });

  for (const stack of ["dev", "prod"]) {
    it(`Pulumi.${stack}.yaml keeps the admin password out`, () => {
      const config = readStackFile(stack);

      assert.equal(config["authhero-global:adminPassword"], undefined);
      assert.deepEqual(config["pulumi:disable-default-providers"], ["aws"]);
    });
  }

  describe("Dockerfile", () => {
    const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");

    it("builds on node:22-slim", () => {
      const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]);

      assert.deepEqual(bases, ["node:22-slim", "node:22-slim"]);
    });

    it("installs only production dependencies at run time", () => {
      assert.match(dockerfile, /RUN npm ci --omit=dev/);
    });

    it("copies only paths that exist", () => {
      const sources = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)\s+\S+$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/));

      assert.ok(sources.length > 0);
      for (const source of sources) {
        assert.ok(existsSync(join(REPO_ROOT, source)), `COPY source ${source} does not exist`);
      }
    });

    it("bundles the container entry", () => {
      assert.match(dockerfile, /esbuild app\/server\.ts /);
      assert.ok(existsSync(join(REPO_ROOT, "app", "server.ts")));
    });
  });
});
