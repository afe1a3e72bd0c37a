import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { actionForCommand, DYNAMODB_ACTIONS } from "./access.js";
import { AdapterError } from "./errors.js";

export interface DynamoDbClientOptions {
  region: string;
  /** A non-AWS endpoint such as the local engine; unset for real DynamoDB. */
  endpoint?: string;
  /** Milliseconds to open a connection before the attempt fails. Default 500. */
  connectionTimeoutMs?: number;
  /** Milliseconds for one attempt's response. Default 1000. */
  requestTimeoutMs?: number;
  /** Attempts per call including the first. Default 2. */
  maxAttempts?: number;
  /** Called once per command sent, with its name and input (for request counting and tracing). */
  onCommand?: (commandName: string, input: unknown) => void;
  credentials?: DynamoDBClientConfig["credentials"];
  /** The IAM actions this client may use. Default DYNAMODB_ACTIONS, which excludes Scan. */
  allowedActions?: readonly string[];
}

/**
 * Creates the document client once per process. Timeouts and attempts are
 * bounded so that a DynamoDB outage fails a request within about 2.5 seconds
 * (2 attempts of at most 1 s plus back-off) instead of hanging on the SDK
 * defaults, which wait indefinitely for a response.
 */
export function createDocumentClient(options: DynamoDbClientOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? 2,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 500,
      requestTimeout: options.requestTimeoutMs ?? 1000,
      // Without this the handler only logs a warning and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });

  const allowedActions: ReadonlySet<string> = new Set(options.allowedActions ?? DYNAMODB_ACTIONS);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = String(context.commandName ?? "");
      // IAM grants exactly DYNAMODB_ACTIONS; failing here first keeps local
      // runs honest about what the deployed role will allow.
      if (!allowedActions.has(actionForCommand(commandName))) {
        throw new AdapterError(
          "adapter.failed",
          `DynamoDB command \`${commandName}\` is not in DYNAMODB_ACTIONS; add its action to app/dynamodb/access.ts so the deployed role allows it.`,
        );
      }
      options.onCommand?.(commandName, args.input);
      return next(args);
    },
    { step: "initialize", name: "authheroAllowedActions" },
  );

  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
