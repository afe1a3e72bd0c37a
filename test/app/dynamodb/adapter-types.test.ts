import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { createDynamoDbAdapter } from "../../../app/dynamodb/adapter.js";
import { createDocumentClient } from "../../../app/dynamodb/client.js";

/** One member of an interface as its declaration file declares it. */
interface DeclaredMember {
  name: string;
  optional: boolean;
}

/** Reads the adapter-interfaces declaration file that the project compiles against. */
function readDeclarations(): string {
  // The package exports no package.json, so its root is found by walking up from its entry point.
  let directory = dirname(createRequire(import.meta.url).resolve("@authhero/adapter-interfaces"));
  while (!existsSync(join(directory, "package.json"))) directory = dirname(directory);
  const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { types?: string; typings?: string };
  const types = manifest.types ?? manifest.typings;
  assert.ok(types, "@authhero/adapter-interfaces must name its declaration file in package.json");
  return readFileSync(join(directory, types), "utf8");
}

/** Removes block and line comments, so member parsing reads only declarations. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/**
 * Lists the top-level members of `interface <name> { ... }`. Members are
 * split at semicolons outside nested braces and parentheses. Returns
 * undefined when the file declares no plain interface of that name.
 */
function interfaceMembers(declarations: string, name: string): DeclaredMember[] | undefined {
  const header = new RegExp(`(?:^|\\n)(?:export\\s+)?(?:declare\\s+)?interface\\s+${name}\\s*(?:<[^>{]*>)?\\s*\\{`).exec(declarations);
  if (!header) return undefined;

  const members: DeclaredMember[] = [];
  let braces = 1;
  let parens = 0;
  let statement = "";
  for (let index = header.index + header[0].length; index < declarations.length && braces > 0; index++) {
    const char = declarations[index]!;
    if (char === "{") braces++;
    if (char === "}") braces--;
    if (char === "(") parens++;
    if (char === ")") parens--;
    const endsMember = (char === ";" && braces === 1 && parens === 0) || braces === 0;
    if (!endsMember) {
      statement += char;
      continue;
    }
    const match = /^\s*(\w+)(\?)?\s*[<(:]/.exec(statement);
    if (match) members.push({ name: match[1]!, optional: match[2] === "?" });
    statement = "";
  }
  return members;
}

/** Maps each DataAdapters member to the interface it is declared with, such as `clients` to `ClientsAdapter`. */
function memberTypes(declarations: string): Map<string, string> {
  const header = /interface\s+DataAdapters\s*\{([\s\S]*?)\n\}/.exec(declarations);
  assert.ok(header, "the declaration file must declare interface DataAdapters");
  const types = new Map<string, string>();
  for (const match of header[1]!.matchAll(/^\s*(\w+)\??:\s*(\w+);/gm)) types.set(match[1]!, match[2]!);
  return types;
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function createAdapter(): DataAdapters {
  // The endpoint is never contacted, because building the adapter sends no request.
  const client = createDocumentClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9" });
  // Compile-time check, with no cast: tsc rejects this line if the adapter stops matching the interface.
  return createDynamoDbAdapter({ client, tableName: "types" }) satisfies DataAdapters;
}

describe("adapter shape", () => {
  const declarations = stripComments(readDeclarations());
  const adapterMembers = interfaceMembers(declarations, "DataAdapters");
  const subAdapterTypes = memberTypes(declarations);

  it("reads DataAdapters from the declarations", () => {
    assert.ok(adapterMembers, "interface DataAdapters must parse");
    assert.ok(adapterMembers.length > 30, `parsed only ${adapterMembers.length} members of DataAdapters`);
    assert.ok(subAdapterTypes.has("users"), "DataAdapters.users must map to its interface");
  });

  it("is a plain object with own members", () => {
    const adapter = createAdapter();
    assert.ok(isPlainObject(adapter), "the adapter must be a plain object");
    const own = new Set(Object.keys(adapter));
    for (const member of adapterMembers!.filter((candidate) => !candidate.optional)) {
      assert.ok(own.has(member.name), `DataAdapters.${member.name} must be an own enumerable property`);
    }
    assert.equal(typeof adapter.transaction, "function");
  });

  it("has every declared method on each sub-adapter", () => {
    const adapter = createAdapter() as unknown as Record<string, unknown>;
    const checked: string[] = [];
    for (const member of adapterMembers!) {
      const typeName = subAdapterTypes.get(member.name);
      if (typeName === undefined) continue;
      const subAdapter = adapter[member.name];
      if (member.optional && subAdapter === undefined) continue;

      assert.ok(isPlainObject(subAdapter), `\`${member.name}\` must be a plain object`);
      const methods = interfaceMembers(declarations, typeName);
      assert.ok(methods, `interface ${typeName} of \`${member.name}\` must parse`);
      assert.ok(methods.length > 0, `interface ${typeName} must declare methods`);

      const own = new Set(Object.keys(subAdapter as object));
      for (const method of methods) {
        const value = (subAdapter as Record<string, unknown>)[method.name];
        if (method.optional && value === undefined) continue;
        assert.ok(own.has(method.name), `\`${member.name}.${method.name}\` must be an own enumerable property`);
        assert.equal(typeof value, "function", `\`${member.name}.${method.name}\` must be a function`);
      }
      checked.push(member.name);
    }
    assert.ok(checked.length > 30, `checked only ${checked.length} sub-adapters`);
  });
});
