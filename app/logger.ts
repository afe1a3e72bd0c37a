/**
 * One JSON line per event on stdout, where Lambda and ECS collect it into
 * CloudWatch Logs. Callers pass ids and outcomes, never tokens or secrets.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export function createJsonLogger(base: Record<string, unknown>, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  return {
    log(level, message, fields = {}) {
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields }));
    },
  };
}

/** Describes an error for a log line without its message details leaking request data. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as { code?: unknown }).code;
  return { error: error.name, errorMessage: error.message, ...(typeof code === "string" ? { errorCode: code } : {}), stack: error.stack?.split("\n").slice(0, 6).join("\n") };
}
