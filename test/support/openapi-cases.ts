/**
 * Request cases generated from an OpenAPI 3.0 document, for probing the
 * validation of every documented operation: requests without input, with
 * invalid query parameters, with an empty or wrongly typed body, and with a
 * minimal body plus an unknown field.
 */

interface Schema {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

export interface RequestCase {
  label: string;
  method: string;
  /** Path with its query string, relative to the document's base path. */
  path: string;
  contentType?: "application/json" | "application/x-www-form-urlencoded";
  /** A JSON value, or string fields for a form body. */
  body?: unknown;
}

/** Value given to path parameters, which names no existing entity. */
const MISSING_ID = "missing-id";

const METHOD_ORDER = ["get", "post", "put", "patch", "delete"];

/**
 * Generates the cases for every operation of `document`, reads first and
 * deletions last, so that the cases that change data run after those
 * that only read it.
 */
export function requestCases(document: OpenApiDocument): RequestCase[] {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHOD_ORDER.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
  operations.sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
  return operations.flatMap(({ path, method, operation }) => casesFor(path, method, operation));
}

function casesFor(template: string, method: string, operation: Operation): RequestCase[] {
  const name = `${method.toUpperCase()} ${template}`;
  const parameters = operation.parameters ?? [];
  const path = template.replace(/\{([^}]+)\}|:([A-Za-z_]+)/g, (_, braced: string | undefined, colon: string | undefined) => {
    const parameter = parameters.find((candidate) => candidate.in === "path" && candidate.name === (braced ?? colon));
    return encodeURIComponent(parameter?.schema?.enum ? String(parameter.schema.enum[0]) : MISSING_ID);
  });
  const query = parameters.filter((parameter) => parameter.in === "query");
  const requiredQuery = Object.fromEntries(query.filter((parameter) => parameter.required).map((parameter) => [parameter.name, minimalQueryValue(parameter.schema ?? {})]));
  const body = requestBody(operation);

  const cases: RequestCase[] = [{ label: `${name} without input`, method, path }];
  if (query.length > 0) {
    for (const variant of ["-1", "abc"]) {
      const invalid = Object.fromEntries(query.map((parameter) => [parameter.name, invalidQueryValue(parameter.schema ?? {}, variant)]));
      cases.push({ label: `${name} with invalid query (${variant})`, method, path: withQuery(path, invalid), ...(body ? { contentType: body.contentType, body: minimalValue(body.schema, body.contentType) } : {}) });
    }
  }
  if (body) {
    const pathWithQuery = withQuery(path, requiredQuery);
    cases.push({ label: `${name} with an empty body`, method, path: pathWithQuery, contentType: body.contentType, body: {} });
    cases.push({ label: `${name} with wrongly typed fields`, method, path: pathWithQuery, contentType: body.contentType, body: wronglyTypedBody(body.schema, body.contentType) });
    const minimal = minimalValue(body.schema, body.contentType);
    if (isRecord(minimal)) cases.push({ label: `${name} with an unknown field`, method, path: pathWithQuery, contentType: body.contentType, body: { ...minimal, unexpected_field: "unexpected" } });
  }
  return cases;
}

function requestBody(operation: Operation): { contentType: "application/json" | "application/x-www-form-urlencoded"; schema: Schema } | undefined {
  const content = operation.requestBody?.content ?? {};
  for (const contentType of ["application/json", "application/x-www-form-urlencoded"] as const) {
    if (content[contentType]?.schema) return { contentType, schema: content[contentType].schema };
  }
  return undefined;
}

function withQuery(path: string, values: Record<string, string>): string {
  const query = new URLSearchParams(values).toString();
  return query ? `${path}?${query}` : path;
}

/** Returns a query value that the parameter's schema rejects, or `fallback` (such as "-1" for a page number) for a free string. */
function invalidQueryValue(schema: Schema, fallback: string): string {
  const variants = alternatives(schema);
  if (variants.some((variant) => variant.enum)) return "not-in-enum";
  if (variants.some((variant) => variant.type === "integer" || variant.type === "number")) return "not-a-number";
  if (variants.some((variant) => variant.type === "boolean")) return "not-a-boolean";
  if (variants.some((variant) => variant.format || variant.pattern)) return "bad value";
  if (variants.some((variant) => (variant.minLength ?? 0) > 0)) return "";
  return fallback;
}

function minimalQueryValue(schema: Schema): string {
  const value = minimalValue(schema, "application/x-www-form-urlencoded");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Builds a body that gives every property of the object schemas a value of the wrong type. */
function wronglyTypedBody(schema: Schema, contentType: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const variant of alternatives(schema)) {
    for (const [name, property] of Object.entries(variant.properties ?? {})) body[name] = wrongValue(property, contentType);
  }
  return body;
}

function wrongValue(schema: Schema, contentType: string): unknown {
  const variants = alternatives(schema);
  if (variants.some((variant) => variant.enum)) return "not-in-enum";
  // A form body carries only strings, so a field can be wrong only in its format or, when the server parses it as a number, in its content.
  if (contentType !== "application/json") return variants.some((variant) => variant.format || variant.pattern || variant.minLength) ? "" : "not-a-number";
  const type = variants.find((variant) => variant.type)?.type;
  switch (type) {
    case "string":
      return 12345;
    case "integer":
    case "number":
      return "not-a-number";
    case "boolean":
      return "not-a-boolean";
    case "array":
      return "not-an-array";
    case "object":
      return "not-an-object";
    default:
      return [[[]]];
  }
}

/** Returns the smallest value the schema is likely to accept: required properties only, first enum values, minimum lengths. */
function minimalValue(schema: Schema, contentType: string): unknown {
  const variant = alternatives(schema)[0] ?? {};
  if (variant.enum) return variant.enum[0];
  switch (variant.type) {
    case "string":
      if (variant.format === "email") return "minimal@example.com";
      if (variant.format === "uri" || variant.format === "url") return "https://minimal.example.com/";
      if (variant.format === "date-time") return "2024-01-01T00:00:00.000Z";
      return "minimal".padEnd(variant.minLength ?? 0, "x");
    case "integer":
    case "number":
      return contentType === "application/json" ? (variant.minimum ?? 1) : String(variant.minimum ?? 1);
    case "boolean":
      return contentType === "application/json" ? true : "true";
    case "array":
      return variant.minItems ? [minimalValue(variant.items ?? {}, contentType)] : [];
    case "object":
    case undefined:
      if (!variant.properties) return variant.type === "object" ? {} : "minimal";
      return Object.fromEntries((variant.required ?? []).map((name) => [name, minimalValue(variant.properties![name] ?? {}, contentType)]));
    default:
      return "minimal";
  }
}

/** Returns the schemas a value may match: the members of anyOf and oneOf, the merged members of allOf, or the schema itself. */
function alternatives(schema: Schema): Schema[] {
  if (schema.anyOf) return schema.anyOf.flatMap(alternatives);
  if (schema.oneOf) return schema.oneOf.flatMap(alternatives);
  if (schema.allOf) {
    const merged: Schema = { type: "object", properties: {}, required: [] };
    for (const part of schema.allOf.flatMap(alternatives)) {
      Object.assign(merged.properties!, part.properties);
      merged.required!.push(...(part.required ?? []));
    }
    return [merged];
  }
  return [schema];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
