/**
 * Codes and refresh tokens leave this server with the issuing region
 * appended (`<value>~<region>`), so any region can tell where one must be
 * redeemed even before the item has replicated. Clients treat both as
 * opaque strings, and `~` is unreserved in URLs (RFC 3986 section 2.3).
 */
const SEPARATOR = "~";
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function tagWithRegion(value: string, region: string): string {
  return `${value}${SEPARATOR}${region}`;
}

/** Splits a tagged value; values without a valid tag come back unchanged. */
export function readRegionTag(value: string): { value: string; region?: string } {
  const index = value.lastIndexOf(SEPARATOR);
  if (index <= 0) return { value };
  const region = value.slice(index + 1);
  return REGION.test(region) ? { value: value.slice(0, index), region } : { value };
}
