/**
 * The Pulumi program (Pulumi.yaml `main`). The only place that reads pulumi.Config, the file
 * system and package.json; everything below gets typed args.
 *
 * Stack config (project namespace `ja4-platform`):
 *   deployment            object  Docker layout, parsed by components/deployment-config.ts
 *   appliance             object  the appliance config, validated by appliance/common/config/schema.ts
 *   clickhousePassword    secret  required
 *   dashboardSessionSecret, dashboardAdminPassword, detectorApiToken, tlsCertificate, tlsPrivateKey
 *                         secrets, optional
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { Appliance, type ApplianceConfigInput } from './appliance.js';
import { parseDeployment } from './deployment-config.js';
import { readFileSet } from './file-set.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

const config = new pulumi.Config();
const deployment = parseDeployment(config.requireObject('deployment'));
const tlsCertificate = config.get('tlsCertificate');
const tlsPrivateKey = config.getSecret('tlsPrivateKey');
if (Boolean(tlsCertificate) !== Boolean(tlsPrivateKey)) {
  throw new Error('ja4-platform: set both tlsCertificate and tlsPrivateKey (--secret), or neither');
}
const dictionariesDir = deployment.dictionaries_dir || join(repoRoot, 'migrations', 'dictionaries');

const appliance = new Appliance(deployment.name, {
  version: pkg.version,
  deployment,
  config: config.getObject<ApplianceConfigInput>('appliance') ?? {},
  clickhousePassword: config.requireSecret('clickhousePassword'),
  dashboardSessionSecret: config.getSecret('dashboardSessionSecret'),
  dashboardAdminPassword: config.getSecret('dashboardAdminPassword'),
  detectorApiToken: config.getSecret('detectorApiToken'),
  tls:
    tlsCertificate && tlsPrivateKey
      ? { certificatePem: tlsCertificate, privateKeyPem: tlsPrivateKey }
      : undefined,
  repoRoot,
  migrationSet: readFileSet(join(repoRoot, 'migrations'), ['.sql']),
  dictionarySet: readFileSet(dictionariesDir, ['.csv']),
});

export const version = appliance.version;
export const dashboardUrl = appliance.dashboardUrl;
export const dashboardUrls = appliance.dashboard.urls;
export const clickhouseEndpoint = appliance.clickhouseEndpoint;
export const clickhouseHostEndpoint = appliance.clickhouseHostEndpoint;
export const clickhousePassword = appliance.clickhousePassword;
export const appliedMigrationVersion = appliance.migrations.appliedVersion;
export const applianceImage = appliance.applianceImage;
export const httpdImage = appliance.httpdImage;
export const httpsUrl = appliance.apache.httpsUrl;
