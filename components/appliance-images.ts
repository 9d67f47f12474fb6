import { join } from 'node:path';
import * as docker from '@pulumi/docker';
import type * as pulumi from '@pulumi/pulumi';
import type { Deployment } from './deployment-config.js';

/** What the two image builds of this repository need. */
export interface ApplianceImagesArgs {
  /** The appliance version: the tag of both images. Required. */
  version: string;
  /** Registry, platform and base image overrides (the `deployment` stack key). Required. */
  deployment: Deployment;
  /** Repository root: the build context of both Dockerfiles. Required. */
  repoRoot: string;
}

/** The appliance and httpd images of one version, each referenced by its repoDigest. */
export interface ApplianceImages {
  appliance: pulumi.Output<string>;
  httpd: pulumi.Output<string>;
}

/**
 * Builds docker/appliance.Dockerfile and docker/httpd.Dockerfile from the repository root,
 * tagged `<registry/>ja4-<image>:<version>` (pushed only when a registry is set). Children of
 * `parent`, named `<name>-appliance-image` and `<name>-httpd-image`.
 */
export function applianceImages(
  name: string,
  args: ApplianceImagesArgs,
  parent: pulumi.Resource,
): ApplianceImages {
  const bases = args.deployment.base_images;
  return {
    appliance: buildImage(name, 'ja4-appliance', 'appliance.Dockerfile', args, parent, {
      ...(bases.node ? { NODE_IMAGE: bases.node } : {}),
    }).repoDigest,
    httpd: buildImage(name, 'ja4-httpd', 'httpd.Dockerfile', args, parent, {
      ...(bases.httpd ? { HTTPD_IMAGE: bases.httpd } : {}),
    }).repoDigest,
  };
}

function buildImage(
  name: string,
  repo: string,
  dockerfile: string,
  args: ApplianceImagesArgs,
  parent: pulumi.Resource,
  buildArgs: Record<string, string>,
): docker.Image {
  const { registry, platform } = args.deployment;
  return new docker.Image(
    `${name}-${repo.replace(/^ja4-/, '')}-image`,
    {
      imageName: `${registry ? `${registry.replace(/\/+$/, '')}/` : ''}${repo}:${args.version}`,
      build: {
        context: args.repoRoot,
        dockerfile: join(args.repoRoot, 'docker', dockerfile),
        args: { APPLIANCE_VERSION: args.version, ...buildArgs },
        ...(platform ? { platform } : {}),
      },
      skipPush: !registry,
    },
    { parent },
  );
}
