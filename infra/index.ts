/**
 * Pulumi program entry: reads and validates the stack config, then declares
 * the deployment. All logic lives in `deployment()` so the Automation API and
 * the tests run the same code.
 */
import { deployment } from "./authhero-global.js";
import { readStackConfig } from "./config.js";

const outputs = deployment(readStackConfig());

export const endpoints = outputs.endpoints;
export const sharedUrl = outputs.sharedUrl;
export const dns = outputs.dns;
export const tableName = outputs.tableName;
export const tableArn = outputs.tableArn;
export const replicaArns = outputs.replicaArns;
export const dashboardUrl = outputs.dashboardUrl;
export const healthCheckIds = outputs.healthCheckIds;
export const assetsUrl = outputs.assetsUrl;
