import { notImplemented } from "./errors.js";

/**
 * Builds an adapter whose every method rejects with an error naming it. The
 * method map must list every key of T, so the compiler flags a method that
 * a new adapter-interfaces version adds.
 */
export function unimplementedAdapter<T>(adapter: string, methods: { [K in keyof Required<T>]: true }): T {
  const result: Record<string, unknown> = {};
  for (const method of Object.keys(methods)) {
    result[method] = async () => {
      throw notImplemented(`${adapter}.${method}`);
    };
  }
  return result as T;
}
