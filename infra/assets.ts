import { existsSync, readdirSync, rmSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { writeLoginAssets } from "../app/login-assets.js";
import { REPO_ROOT } from "./bundle.js";
import { childName } from "./naming.js";
import type { Region } from "./regions.js";

/** Directory that `buildLoginAssets` fills with the files the bucket serves. */
export const LOGIN_ASSETS_DIRECTORY = join(REPO_ROOT, ".build", "assets");

/**
 * Writes AuthHero's login CSS, widget and client JS under `u/`, rewritten the
 * way the app serves them locally (no third-party fonts or images), so the
 * CDN and `npm start` send the same bytes. Stale files are removed first.
 */
export function buildLoginAssets(outDirectory: string = LOGIN_ASSETS_DIRECTORY): string {
  rmSync(outDirectory, { recursive: true, force: true });
  writeLoginAssets(outDirectory);
  return outDirectory;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** Widget chunks whose names carry a content hash, so browsers may cache them for good. Others refresh within a day. */
const HASHED_WIDGET_CHUNK = /\/widget\/p-[\w-]+(\.entry)?\.js$/;

/** AWS managed cache policy "Managed-CachingOptimized". */
const CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6";

/**
 * AWS managed response headers policy "CORS-and-SecurityHeadersPolicy":
 * `Access-Control-Allow-Origin: *` plus security headers. The login pages
 * load the widget as module scripts, which browsers fetch in CORS mode, so
 * without it a page on the auth domain cannot run assets from this CDN.
 */
const CORS_AND_SECURITY_HEADERS_POLICY_ID = "e61eb60c-9c35-4d20-a928-2b84e02af89c";

export interface StaticAssetsArgs {
  readonly region: Region;
  /** Directory whose files are uploaded with their relative paths as keys. */
  readonly directory: string;
  /** Sets Pulumi `protect` on the bucket. */
  readonly protect: boolean;
}

/**
 * AuthHero's static assets in a private S3 bucket served by CloudFront
 * through origin access control. Only the distribution can read the bucket;
 * the app redirects `/u/...` asset paths to `assetsUrl`.
 */
export class StaticAssets extends pulumi.ComponentResource {
  /** CloudFront base URL without a trailing slash, for AUTHHERO_ASSETS_URL. */
  readonly assetsUrl: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: StaticAssetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:assets:StaticAssets", name, {}, opts);

    const { region } = args;
    const bucket = new aws.s3.Bucket(childName(name, region, "assets"), { forceDestroy: !args.protect }, { parent: this, protect: args.protect });
    /** No ACL or policy can make an object public, whatever is added later. */
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(childName(name, region, "assets-private"), {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, { parent: this });
    new aws.s3.BucketOwnershipControls(childName(name, region, "assets-ownership"), {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    }, { parent: this });
    new aws.s3.BucketServerSideEncryptionConfiguration(childName(name, region, "assets-sse"), {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }, { parent: this });

    const accessControl = new aws.cloudfront.OriginAccessControl(childName(name, region, "assets-oac"), {
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    }, { parent: this });
    const distribution = new aws.cloudfront.Distribution(childName(name, region, "assets-cdn"), {
      enabled: true,
      comment: "AuthHero static assets",
      priceClass: "PriceClass_100",
      origins: [{ originId: "assets", domainName: bucket.bucketRegionalDomainName, originAccessControlId: accessControl.id }],
      defaultCacheBehavior: {
        targetOriginId: "assets",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
        responseHeadersPolicyId: CORS_AND_SECURITY_HEADERS_POLICY_ID,
        compress: true,
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: { cloudfrontDefaultCertificate: true },
    }, { parent: this });

    new aws.s3.BucketPolicy(childName(name, region, "assets-policy"), {
      bucket: bucket.id,
      policy: pulumi.all([bucket.arn, distribution.arn]).apply(([bucketArn, distributionArn]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "CloudFrontReadOnly",
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:GetObject",
          Resource: `${bucketArn}/*`,
          Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
        }],
      })),
    }, { parent: this, dependsOn: [publicAccessBlock] });

    this.uploadFiles(name, region, args.directory, bucket);
    this.assetsUrl = pulumi.interpolate`https://${distribution.domainName}`;
    this.bucketName = bucket.bucket;
    this.registerOutputs({ assetsUrl: this.assetsUrl, bucketName: this.bucketName });
  }

  private uploadFiles(name: string, region: Region, directory: string, bucket: aws.s3.Bucket): void {
    for (const file of listFiles(directory)) {
      const key = relative(directory, file).split(sep).join("/");
      new aws.s3.BucketObjectv2(childName(name, region, `asset-${key}`), {
        bucket: bucket.id,
        key,
        source: new pulumi.asset.FileAsset(file),
        contentType: CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
        cacheControl: HASHED_WIDGET_CHUNK.test(key) ? "public, max-age=31536000, immutable" : "public, max-age=86400",
      }, { parent: this });
    }
  }
}

/** Lists every file under `directory`, sorted so the plan is stable. */
export function listFiles(directory: string): string[] {
  if (!existsSync(directory)) {
    throw new Error(`StaticAssets: ${directory} does not exist; build it with buildLoginAssets()`);
  }
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
