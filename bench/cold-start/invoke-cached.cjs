// Child process of bench/code-cache.ts: loads a CommonJS Lambda bundle through
// vm.Script, with V8's code cache from CACHE_FILE when one is given, sends it
// the discovery event that invoke.mjs sends, and prints the same report line.
// With --write-cache it writes the code cache to CACHE_FILE after the
// response, so the cache contains the functions the first request compiled.
// Usage: node invoke-cached.cjs BUNDLE [CACHE_FILE] [--write-cache]
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const { createRequire, wrap } = require("node:module");
const { dirname } = require("node:path");
const vm = require("node:vm");

const [bundle, cacheFile, mode] = process.argv.slice(2);
const writeCache = mode === "--write-cache";
const cachedData = cacheFile && !writeCache && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;

const script = new vm.Script(wrap(readFileSync(bundle, "utf8")), { filename: bundle, cachedData });
const loadedModule = { exports: {} };
script.runInThisContext()(loadedModule.exports, createRequire(bundle), loadedModule, bundle, dirname(bundle));
const loaded = performance.now();

const path = "/.well-known/openid-configuration";
const event = {
  version: "2.0",
  routeKey: "$default",
  rawPath: path,
  rawQueryString: "",
  headers: { host: "cold-start.example.test", accept: "application/json" },
  requestContext: {
    accountId: "123456789012", apiId: "bench", domainName: "cold-start.example.test", domainPrefix: "bench",
    http: { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
    requestId: "cold-start", routeKey: "$default", stage: "$default", time: new Date().toUTCString(), timeEpoch: Date.now(),
  },
  isBase64Encoded: false,
};

loadedModule.exports.handler(event, { awsRequestId: "cold-start", getRemainingTimeInMillis: () => 10_000 }).then((result) => {
  const responded = performance.now();
  const cpu = process.cpuUsage();
  if (writeCache) writeFileSync(cacheFile, script.createCachedData());
  const report = { status: result.statusCode, loaded, responded, cpuMs: (cpu.user + cpu.system) / 1000, cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected };
  process.stdout.write(`\ncold-start-report ${JSON.stringify(report)}\n`);
  process.exit(0);
});
