import { createHash } from "node:crypto";

/**
 * Builds a child's logical name from its component's name, the region it
 * lives in and a suffix for its role. Logical names feed URNs, so they must
 * never depend on a list position: moving a region within `regions` would
 * otherwise rename, and so replace, its resources.
 */
export function childName(component: string, region: string | undefined, suffix: string): string {
  return [component, region, suffix].filter((part) => part !== undefined && part !== "").join("-");
}

/**
 * Returns the name a per-region component registers under: its family name plus the
 * region, so each region's copy gets its own URN. Its children still take the
 * family name and the region through `childName`.
 */
export function regionalComponentName(name: string, region: string): string {
  return childName(name, region, "");
}

/**
 * Fits a physical AWS name within `maxLength` characters. A name that is too
 * long keeps its start and ends with an 8-character hash of the full name, so
 * two long names that differ only at the end still differ after truncation.
 * Known limits: ALB and target group 32, S3 bucket 63, Lambda function and
 * IAM role 64.
 */
export function physicalName(name: string, maxLength: number): string {
  if (maxLength < 10) {
    throw new Error(`physicalName: maxLength ${maxLength} leaves no room for the 8-character hash`);
  }
  if (name.length <= maxLength) {
    return name;
  }

  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  const head = name.slice(0, maxLength - hash.length - 1).replace(/-+$/, "");
  return `${head}-${hash}`;
}
