import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { KEY_ATTRIBUTES, TABLE_SCHEMA } from "../app/dynamodb/schema.js";
import { childName } from "./naming.js";
import type { Region } from "./regions.js";

export interface GlobalTableArgs {
  /** Physical table name, the same in every region. Changing it replaces the table. */
  readonly tableName: string;
  /** Region whose provider declares the table. Changing it replaces the table. */
  readonly homeRegion: Region;
  /** All active regions, home included; every other one gets a replica. Order is ignored. */
  readonly regions: readonly Region[];
  /** "strong" makes every replica MRSC and leaves TTL off, which MRSC tables do not support. */
  readonly consistency: "eventual" | "strong";
  /** MRSC witness, for strong consistency with exactly two regions. */
  readonly witnessRegion?: Region;
  /** Sets Pulumi `protect` on the table; PITR and deletion protection are on regardless. */
  readonly protect: boolean;
}

/**
 * The DynamoDB global table AuthHero stores everything in, declared once in
 * the home region with a replica in every other region.
 *
 * @example
 * new GlobalTable("authhero", { tableName: "authhero-prod", homeRegion: "us-east-1",
 *   regions: ["us-east-1", "eu-west-1"], consistency: "eventual", protect: true },
 *   { providers: { aws: usEast1 } });
 */
export class GlobalTable extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly tableName: pulumi.Output<string>;
  /** ARN of the table in the home region; replica ARNs differ only in the region field. */
  readonly tableArn: pulumi.Output<string>;

  constructor(name: string, args: GlobalTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:data:GlobalTable", name, {}, opts);

    const isStrong = args.consistency === "strong";
    // Sorting makes the replica list independent of the order of `regions`,
    // so reordering the config produces no diff on the table.
    const replicaRegions = args.regions.filter((region) => region !== args.homeRegion).sort();

    this.table = new aws.dynamodb.Table(
      childName(name, args.homeRegion, "table"),
      {
        name: args.tableName,
        hashKey: TABLE_SCHEMA.partitionKey,
        rangeKey: TABLE_SCHEMA.sortKey,
        attributes: KEY_ATTRIBUTES.map((attribute) => ({ name: attribute.name, type: attribute.type })),
        globalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({
          name: index.name,
          hashKey: index.partitionKey,
          rangeKey: index.sortKey,
          projectionType: "ALL",
        })),
        /** On-demand: no capacity to size, and an idle stack costs only storage. */
        billingMode: TABLE_SCHEMA.billingMode,
        /** Global tables replicate through the stream, which must carry both images. */
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        ttl: isStrong ? { enabled: false } : { enabled: true, attributeName: TABLE_SCHEMA.ttlAttribute },
        /** Point-in-time recovery keeps 35 days of restorable history. */
        pointInTimeRecovery: { enabled: true },
        /** DynamoDB refuses DeleteTable until this is turned off. */
        deletionProtectionEnabled: true,
        /** Encrypt with the AWS managed key alias/aws/dynamodb in each region. */
        serverSideEncryption: { enabled: true },
        replicas: replicaRegions.map((region) => ({
          regionName: region,
          pointInTimeRecovery: true,
          deletionProtectionEnabled: true,
          propagateTags: true,
          ...(isStrong ? { consistencyMode: "STRONG" } : {}),
        })),
        ...(args.witnessRegion !== undefined ? { globalTableWitness: { regionName: args.witnessRegion } } : {}),
      },
      { parent: this, protect: args.protect },
    );

    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn });
  }
}
