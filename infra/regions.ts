/**
 * AWS commercial regions this program accepts. A name outside this list is
 * almost always a typo, and catching it here fails before any provider call.
 * Add a region here when AWS opens one and it offers DynamoDB global tables.
 */
export const KNOWN_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "ca-west-1",
  "mx-central-1",
  "sa-east-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
] as const;

export type Region = (typeof KNOWN_REGIONS)[number];

/**
 * Region sets for multi-Region strong consistency (MRSC). All replicas and the
 * witness of an MRSC table must come from one set (AWS DynamoDB developer
 * guide, "Multi-Region strong consistency", as of 2025).
 */
export const MRSC_REGION_SETS: Readonly<Record<string, readonly Region[]>> = {
  US: ["us-east-1", "us-east-2", "us-west-2"],
  EU: ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"],
  AP: ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3"],
};

/** Route 53 health check metrics exist only in this region. */
export const ROUTE53_METRICS_REGION: Region = "us-east-1";

export function isKnownRegion(name: string): name is Region {
  return (KNOWN_REGIONS as readonly string[]).includes(name);
}

/** Returns the MRSC region set that contains `region`, or undefined. */
export function mrscRegionSetOf(region: string): string | undefined {
  for (const [setName, members] of Object.entries(MRSC_REGION_SETS)) {
    if ((members as readonly string[]).includes(region)) {
      return setName;
    }
  }
  return undefined;
}
