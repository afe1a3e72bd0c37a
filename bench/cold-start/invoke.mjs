// Child process of the cold-start benchmark: loads one Lambda bundle, sends
// it one API Gateway payload 2.0 event, and prints the milliseconds since
// process start (performance.now() counts from it) at each step.
const bundle = process.argv[2];
const loadStarted = performance.now();
const { handler } = await import(bundle);
const loaded = performance.now();
const event = {
  version: "2.0",
  routeKey: "$default",
  rawPath: "/.well-known/openid-configuration",
  rawQueryString: "",
  headers: { host: "cold-start.example.test", accept: "application/json" },
  requestContext: {
    accountId: "123456789012", apiId: "bench", domainName: "cold-start.example.test", domainPrefix: "bench",
    http: { method: "GET", path: "/.well-known/openid-configuration", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
    requestId: "cold-start", routeKey: "$default", stage: "$default", time: new Date().toUTCString(), timeEpoch: Date.now(),
  },
  isBase64Encoded: false,
};
const result = await handler(event, { awsRequestId: "cold-start", getRemainingTimeInMillis: () => 10_000 });
const responded = performance.now();
// CPU time of the whole process (every thread), in milliseconds. Load from other processes on the machine
// stretches wall time far more than CPU time.
const cpu = process.cpuUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
// A marker line, because the app logs to stdout too.
process.stdout.write(`\ncold-start-report ${JSON.stringify({ status: result.statusCode, loadStarted, loaded, responded, cpuMs })}\n`);
process.exit(0);
