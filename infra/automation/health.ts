/** The result of one region's health request. */
export interface RegionHealth {
  readonly region: string;
  /** The URL requested: the region's endpoint plus `/health`. */
  readonly url: string;
  /** True when the endpoint returned a 2xx status within the timeout. */
  readonly healthy: boolean;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  readonly elapsedMs: number;
  /** Why the region is unhealthy: the failed status, a timeout or the network error. */
  readonly error?: string;
}

export interface HealthOptions {
  /** Timeout per region, in milliseconds. Default 5,000. */
  readonly timeoutMs?: number;
  /** Path appended to each endpoint. Default `/health`, the app's health route. */
  readonly path?: string;
  /** Injectable for tests. Default the global fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * Requests `<endpoint>/health` in every region at once, each with its own
 * timeout, and returns the results sorted by region. Never throws for a
 * failed region, because the result states why it failed.
 */
export async function checkHealth(endpoints: Readonly<Record<string, string>>, options: HealthOptions = {}): Promise<RegionHealth[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const path = options.path ?? "/health";
  const fetchFn = options.fetch ?? fetch;

  const results = await Promise.all(Object.entries(endpoints).map(([region, endpoint]) => checkRegion(region, `${endpoint.replace(/\/+$/, "")}${path}`, timeoutMs, fetchFn)));
  return results.sort((a, b) => a.region.localeCompare(b.region));
}

async function checkRegion(region: string, url: string, timeoutMs: number, fetchFn: typeof fetch): Promise<RegionHealth> {
  const startedAt = performance.now();
  try {
    const response = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    // The body is not needed; cancelling it frees the connection.
    await response.body?.cancel();
    const elapsedMs = Math.round(performance.now() - startedAt);
    const healthy = response.status >= 200 && response.status < 300;
    return { region, url, healthy, status: response.status, elapsedMs, ...(healthy ? {} : { error: `status ${response.status}` }) };
  } catch (error) {
    const elapsedMs = Math.round(performance.now() - startedAt);
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const message = timedOut ? `timed out after ${timeoutMs} ms` : `request failed: ${describeFetchError(error)}`;
    return { region, url, healthy: false, elapsedMs, error: message };
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
