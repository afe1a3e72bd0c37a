import { readFile } from "node:fs/promises";

import { parse } from "acorn";
import type { CallExpression, Expression, Node, Program, SpreadElement } from "acorn";
import type { Plugin } from "esbuild";

/**
 * zod methods that only construct a new schema from their receiver and
 * arguments. A call of one of these on a schema has no effect outside the
 * schema it returns, so an unused result can be dropped. Methods that write
 * to shared state (`register`, `meta`, `config`, `parse`) are left out.
 * `describe` and `openapi` store metadata that only a schema's own users
 * read. Neither zod-to-openapi 9.1 nor AuthHero 9.6.1 enumerates zod's
 * global registry.
 */
const SCHEMA_METHODS = new Set([
  // Constructors on the `z` namespace.
  "any", "array", "bigint", "boolean", "custom", "date", "discriminatedUnion", "enum", "instanceof",
  "intersection", "lazy", "literal", "nativeEnum", "never", "null", "number", "object", "preprocess",
  "record", "string", "tuple", "undefined", "union", "unknown", "void",
  // Modifiers and checks that return a new schema.
  "brand", "catch", "catchall", "datetime", "default", "describe", "email", "endsWith", "extend", "gt",
  "gte", "includes", "int", "length", "lt", "lte", "max", "merge", "min", "multipleOf", "nonempty",
  "nonnegative", "nullable", "nullish", "omit", "openapi", "optional", "partial", "passthrough", "pick",
  "pipe", "positive", "readonly", "refine", "regex", "required", "startsWith", "strict", "strip",
  "superRefine", "toLowerCase", "toUpperCase", "transform", "trim", "url", "uuid",
]);

const PURE = "/* @__PURE__ */ ";

/** The result of `annotatePureSchemas`. */
export interface PureSchemaAnnotations {
  code: string;
  /** Number of call expressions marked pure. */
  calls: number;
  /** Local name of the `z` import from `@hono/zod-openapi`, or undefined when the module has none. */
  zodBinding: string | undefined;
}

/**
 * Marks each zod schema construction at the top level of an ES module with
 * `/* @__PURE__ *\/`, so that esbuild drops those whose value nothing uses.
 *
 * Without the marks esbuild must keep every module-scope call, because a
 * call may have side effects. AuthHero's built module constructs its own
 * schemas and, inside its bundled SAML and proxy packages, copies of
 * @authhero/adapter-interfaces' schemas, many of which nothing reads.
 *
 * Only a call chain that starts at the `z` namespace or at a top-level
 * variable holding such a chain, calls only `SCHEMA_METHODS` and passes
 * only literals, identifiers, functions, object or array literals, and
 * further such chains, is marked. Function bodies are never entered, so a
 * local variable that shadows `z` cannot be mistaken for it. Everything
 * else is left as it is, and the code's behaviour is unchanged whenever a
 * value is used.
 */
export function annotatePureSchemas(source: string): PureSchemaAnnotations {
  const program = parse(source, { ecmaVersion: "latest", sourceType: "module" });
  const zodBinding = findZodBinding(program);
  if (zodBinding === undefined) return { code: source, calls: 0, zodBinding };

  const analysis = new SchemaChains(zodBinding, reassignedNames(program));
  const positions = new Set<number>();
  for (const [name, expression] of topLevelValues(program)) {
    const calls = analysis.callStarts(expression);
    if (calls === undefined) continue;
    if (name !== undefined) analysis.addSchemaVariable(name);
    for (const start of calls) positions.add(start);
  }

  return { code: insertAt(source, positions, PURE), calls: positions.size, zodBinding };
}

/**
 * esbuild plugin that applies `annotatePureSchemas` to AuthHero's ES module
 * build. With AuthHero 9.6.1, dropping its unused schemas makes the Lambda
 * bundle 0.12 MB smaller, and the module has fewer schemas to construct when
 * it loads.
 */
export const authheroPureSchemas: Plugin = {
  name: "authhero-pure-schemas",
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]node_modules[\\/]authhero[\\/]dist[\\/]authhero\.mjs$/ }, async (args) => {
      const annotated = annotatePureSchemas(await readFile(args.path, "utf8"));
      if (annotated.zodBinding !== undefined) return { contents: annotated.code, loader: "js" };
      return {
        contents: annotated.code,
        loader: "js",
        warnings: [{ text: `${args.path} imports no "z" from "@hono/zod-openapi", so its unused schemas stay in the bundle. Check how this AuthHero version imports zod and update infra/pure-schema-annotations.ts.` }],
      };
    });
  },
};

function findZodBinding(program: Program): string | undefined {
  for (const statement of program.body) {
    if (statement.type !== "ImportDeclaration" || statement.source.value !== "@hono/zod-openapi") continue;
    for (const specifier of statement.specifiers) {
      if (specifier.type === "ImportSpecifier" && specifier.imported.type === "Identifier" && specifier.imported.name === "z") {
        return specifier.local.name;
      }
    }
  }
  return undefined;
}

/** Yields each top-level declarator's name and initializer, and each expression of a top-level expression statement. */
function* topLevelValues(program: Program): Generator<[string | undefined, Expression]> {
  for (const statement of program.body) {
    if (statement.type === "VariableDeclaration") {
      for (const declarator of statement.declarations) {
        if (declarator.init && declarator.id.type === "Identifier") yield [declarator.id.name, declarator.init];
      }
    } else if (statement.type === "ExpressionStatement") {
      const expression = statement.expression;
      const parts = expression.type === "SequenceExpression" ? expression.expressions : [expression];
      for (const part of parts) yield [undefined, part];
    }
  }
}

/**
 * Names that an assignment or update anywhere in the module writes to. A
 * reassigned variable may no longer contain a schema when a later chain
 * calls it, so it never starts a chain. Shadowed names inside functions count too,
 * which only makes the check stricter.
 */
function reassignedNames(program: Program): Set<string> {
  const names = new Set<string>();
  const visit = (node: Node): void => {
    if (node.type === "AssignmentExpression") {
      const target = (node as unknown as { left: Node }).left;
      if (target.type === "Identifier") names.add((target as unknown as { name: string }).name);
    } else if (node.type === "UpdateExpression") {
      const target = (node as unknown as { argument: Node }).argument;
      if (target.type === "Identifier") names.add((target as unknown as { name: string }).name);
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) visit(item);
      } else if (isNode(value)) {
        visit(value);
      }
    }
  };
  visit(program);
  return names;
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** Decides which top-level expressions are zod schema chains, in source order. */
class SchemaChains {
  private readonly schemaVariables = new Set<string>();

  constructor(
    private readonly zodBinding: string,
    private readonly reassigned: Set<string>,
  ) {}

  addSchemaVariable(name: string): void {
    if (!this.reassigned.has(name)) this.schemaVariables.add(name);
  }

  /** Start offsets of every call in `expression` when it is a schema chain, or undefined when it is not. */
  callStarts(expression: Expression): number[] | undefined {
    if (expression.type !== "CallExpression") return undefined;
    const starts: number[] = [];
    return this.isSchemaCall(expression, starts) ? starts : undefined;
  }

  private isSchemaCall(call: CallExpression, starts: number[]): boolean {
    const callee = call.callee;
    if (call.optional || callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") {
      return false;
    }
    if (!SCHEMA_METHODS.has(callee.property.name)) return false;

    const receiver = callee.object;
    const receiverIsSchema =
      receiver.type === "Identifier"
        ? receiver.name === this.zodBinding || this.schemaVariables.has(receiver.name)
        : receiver.type === "CallExpression"
          ? this.isSchemaCall(receiver, starts)
          : this.isZodMember(receiver);
    if (!receiverIsSchema) return false;
    if (!call.arguments.every((argument) => this.isPureArgument(argument, starts))) return false;

    starts.push(call.start);
    return true;
  }

  /** `z.coerce`, `z.ZodIssueCode.custom` and the like: property reads on the imported namespace. */
  private isZodMember(node: Node): boolean {
    if (node.type === "Identifier") return (node as unknown as { name: string }).name === this.zodBinding;
    if (node.type !== "MemberExpression") return false;
    const member = node as unknown as { computed: boolean; object: Node };
    return !member.computed && this.isZodMember(member.object);
  }

  private isPureArgument(node: Expression | SpreadElement | null, starts: number[]): boolean {
    if (node === null) return true;
    switch (node.type) {
      case "Literal":
      case "Identifier":
      case "ArrowFunctionExpression":
      case "FunctionExpression":
        return true;
      case "TemplateLiteral":
        return node.expressions.every((part) => this.isPureArgument(part, starts));
      case "UnaryExpression":
        return node.operator !== "delete" && this.isPureArgument(node.argument, starts);
      case "ArrayExpression":
        return node.elements.every((element) => element?.type !== "SpreadElement" && this.isPureArgument(element, starts));
      case "ObjectExpression":
        return node.properties.every(
          (property) => property.type === "Property" && !property.computed && property.kind === "init" && this.isPureArgument(property.value as Expression, starts),
        );
      case "MemberExpression":
        return this.isZodMember(node);
      case "CallExpression":
        return this.isSchemaCall(node, starts);
      default:
        return false;
    }
  }
}

function insertAt(source: string, positions: Set<number>, text: string): string {
  const ordered = [...positions].sort((a, b) => a - b);
  const parts: string[] = [];
  let previous = 0;
  for (const position of ordered) {
    parts.push(source.slice(previous, position), text);
    previous = position;
  }
  parts.push(source.slice(previous));
  return parts.join("");
}
