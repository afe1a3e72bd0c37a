import type { FieldReader } from "./config-fields.js";
import { setCommand } from "./config-problems.js";
import { isKnownRegion, MRSC_REGION_SETS, mrscRegionSetOf, type Region } from "./regions.js";

/** Reads `regions`: a non-empty list of known region names without duplicates. */
export function readRegions(reader: FieldReader): Region[] {
  const value = reader.value("regions");
  if (!Array.isArray(value) || value.length === 0) {
    reader.problems.add("regions", value, "a non-empty list of AWS region names", `Run \`${setCommand("regions[0]", "us-east-1")}\`.`);
    return [];
  }

  const names = reader.stringList("regions", { expectedItem: "a known AWS region name such as eu-west-1", example: "eu-west-1", isValid: isKnownRegion });
  const regions: Region[] = [];
  for (const name of names as Region[]) {
    if (regions.includes(name)) {
      reader.problems.addSentence(`\`regions\` cannot list "${name}" twice. Remove the duplicate with \`pulumi config rm --path 'regions[${value.lastIndexOf(name)}]'\`.`);
      continue;
    }
    regions.push(name);
  }
  return regions;
}

/** Reads `homeRegion`, which must be one of `regions` and is never taken from list order. */
export function readHomeRegion(reader: FieldReader, regions: readonly Region[]): Region | undefined {
  const value = reader.value("homeRegion");
  if (typeof value === "string" && isKnownRegion(value) && regions.includes(value)) {
    return value;
  }
  if (regions[0] === undefined) {
    // The `regions` problem already covers this; a second message would only repeat it.
    return undefined;
  }
  // The home region is never guessed from list order, so a missing value is an error.
  reader.problems.add(
    "homeRegion",
    value,
    `one of the configured regions (${regions.join(", ")})`,
    `Run \`${setCommand("homeRegion", regions[0])}\`; changing it later replaces the table.`,
  );
  return undefined;
}

/** Reads `witnessRegion` and checks the MRSC topology rules when `consistency` is strong. */
export function readWitness(reader: FieldReader, regions: readonly Region[], consistency: "eventual" | "strong"): Region | undefined {
  const witness = reader.value("witnessRegion");
  const problems = reader.problems;

  if (consistency === "eventual") {
    if (witness !== undefined) {
      problems.addSentence(`\`witnessRegion\` cannot be set when \`consistency\` is "eventual", got ${JSON.stringify(witness)}. Run \`pulumi config rm witnessRegion\` or set \`consistency\` to strong.`);
    }
    return undefined;
  }

  const sets = new Set(regions.map((region) => mrscRegionSetOf(region) ?? `none:${region}`));
  const setList = Object.entries(MRSC_REGION_SETS).map(([name, members]) => `${name}: ${members.join(", ")}`).join("; ");
  if (regions.length > 0 && (sets.size !== 1 || [...sets][0]?.startsWith("none:"))) {
    problems.add("regions", regions, "all in one multi-Region strong consistency region set when `consistency` is \"strong\"", `Choose regions from one set (${setList}) or set \`consistency\` to eventual.`);
    return undefined;
  }

  if (regions.length === 3) {
    if (witness !== undefined) {
      problems.addSentence(`\`witnessRegion\` cannot be set with three strong-consistency regions, got ${JSON.stringify(witness)}. Run \`pulumi config rm witnessRegion\`.`);
    }
    return undefined;
  }
  if (regions.length !== 2) {
    problems.add("regions", regions, "exactly three regions, or two plus `witnessRegion`, when `consistency` is \"strong\"", "Change `regions` or set `consistency` to eventual.");
    return undefined;
  }

  const homeSet = mrscRegionSetOf(regions[0] ?? "");
  if (typeof witness !== "string" || !isKnownRegion(witness) || regions.includes(witness) || mrscRegionSetOf(witness) !== homeSet) {
    const candidates = (MRSC_REGION_SETS[homeSet ?? ""] ?? []).filter((region) => !regions.includes(region));
    problems.add("witnessRegion", witness, `a region of the same region set that is not in \`regions\` (${candidates.join(", ")})`, `Run \`${setCommand("witnessRegion", candidates[0] ?? "<region>")}\`.`);
    return undefined;
  }
  return witness;
}
