import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { DomainSettings } from "./config.js";
import { childName } from "./naming.js";
import type { Region } from "./regions.js";

/** Returns the region-specific host that a region's health check probes. */
export function regionalHostName(domain: string, region: Region): string {
  return `${region}.${domain}`;
}

export interface CertificatesArgs {
  readonly domain: DomainSettings;
  /** The region whose certificate supplies the shared validation record. */
  readonly homeRegion: Region;
  readonly regions: readonly Region[];
  /** One AWS provider per region, named after the region. */
  readonly providers: Readonly<Partial<Record<Region, aws.Provider>>>;
}

/**
 * One ACM certificate per region for the shared name and `*.<domain>`, which
 * covers every `<region>.<domain>`. ACM issues the same DNS validation
 * record for a name and its wildcard, and for the same name in every region
 * of an account, so a single Route 53 record validates all certificates.
 */
export class Certificates extends pulumi.ComponentResource {
  /** ARN of each region's certificate, available once it is validated. */
  readonly certificateArns: Readonly<Partial<Record<Region, pulumi.Output<string>>>>;
  readonly validationRecord: aws.route53.Record;

  constructor(name: string, args: CertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:dns:Certificates", name, {}, opts);

    const certificates = new Map<Region, aws.acm.Certificate>();
    for (const region of args.regions) {
      certificates.set(region, new aws.acm.Certificate(childName(name, region, "certificate"), {
        domainName: args.domain.name,
        subjectAlternativeNames: [`*.${args.domain.name}`],
        validationMethod: "DNS",
      }, { parent: this, provider: providerFor(args.providers, region) }));
    }

    const homeCertificate = certificates.get(args.homeRegion);
    if (homeCertificate === undefined) {
      throw new Error(`Certificates: homeRegion ${args.homeRegion} is not in regions`);
    }
    // NOTE: this relies on ACM issuing the same validation CNAME in every region for one account and name.
    // If AWS ever changed that, certificates outside the home region would stay pending validation.
    const option = homeCertificate.domainValidationOptions.apply((options) => {
      const match = options.find((candidate) => candidate.domainName === args.domain.name);
      if (match === undefined) {
        throw new Error(`Certificates: ACM returned no validation option for ${args.domain.name}`);
      }
      return match;
    });
    this.validationRecord = new aws.route53.Record(childName(name, undefined, "validation"), {
      zoneId: args.domain.hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    }, { parent: this, provider: providerFor(args.providers, args.homeRegion) });

    const certificateArns: Partial<Record<Region, pulumi.Output<string>>> = {};
    for (const [region, certificate] of certificates) {
      const validation = new aws.acm.CertificateValidation(childName(name, region, "validation"), {
        certificateArn: certificate.arn,
        validationRecordFqdns: [this.validationRecord.fqdn],
      }, { parent: this, provider: providerFor(args.providers, region) });
      certificateArns[region] = validation.certificateArn;
    }
    this.certificateArns = certificateArns;
    this.registerOutputs({ certificateArns });
  }
}

export function providerFor(providers: Readonly<Partial<Record<Region, aws.Provider>>>, region: Region): aws.Provider {
  const provider = providers[region];
  if (provider === undefined) {
    throw new Error(`no AWS provider was created for region ${region}`);
  }
  return provider;
}
