/**
 * The Pulumi program (Pulumi.yaml `main`). The only place that reads pulumi.Config, the file
 * system and package.json; everything below gets typed args.
 *
 * Stack config (project namespace `ja4-platform`):
 *   deployment            object  Docker layout, parsed by components/deployment-config.ts
 *   appliance             object  the appliance config, validated by appliance/common/config/schema.ts
 *   clickhousePassword    secret  required with a server (deployment.engine: server, the default)
 *   dashboardSessionSecret, dashboardAdminPassword, detectorApiToken, tlsCertificate, tlsPrivateKey
 *                         secrets, optional
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { Appliance, type ApplianceConfigInput } from './appliance.js';
import { EMBEDDED_DIR } from './container-spec.js';
import { parseDeployment } from './deployment-config.js';
import { readFileSet } from './file-set.js';
import { SingleBox } from './single-box.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

const config = new pulumi.Config();
const deployment = parseDeployment(config.requireObject('deployment'));
const tlsCertificate = config.get('tlsCertificate');
const tlsPrivateKey = config.getSecret('tlsPrivateKey');
if (Boolean(tlsCertificate) !== Boolean(tlsPrivateKey)) {
  throw new Error('ja4-platform: set both tlsCertificate and tlsPrivateKey (--secret), or neither');
}
const common = {
  version: pkg.version,
  deployment,
  config: config.getObject<ApplianceConfigInput>('appliance') ?? {},
  dashboardSessionSecret: config.getSecret('dashboardSessionSecret'),
  dashboardAdminPassword: config.getSecret('dashboardAdminPassword'),
  detectorApiToken: config.getSecret('detectorApiToken'),
  tls:
    tlsCertificate && tlsPrivateKey
      ? { certificatePem: tlsCertificate, privateKeyPem: tlsPrivateKey }
      : undefined,
  repoRoot,
};

/** The embedded engine: one box, no ClickHouse server, no password to set. */
function singleBox() {
  const box = new SingleBox(deployment.name, common);
  return {
    box: box as SingleBox | Appliance,
    dashboardUrls: box.dashboardUrls,
    clickhouseEndpoint: pulumi.output(`embedded:${EMBEDDED_DIR}`),
    clickhouseHostEndpoint: pulumi.output(''),
    clickhousePassword: pulumi.secret(''),
    appliedMigrationVersion: pulumi.output(''),
  };
}

/** A ClickHouse server and one container per service. */
function serverAppliance() {
  const dictionariesDir = deployment.dictionaries_dir || join(repoRoot, 'migrations', 'dictionaries');
  const appliance = new Appliance(deployment.name, {
    ...common,
    clickhousePassword: config.requireSecret('clickhousePassword'),
    migrationSet: readFileSet(join(repoRoot, 'migrations'), ['.sql']),
    dictionarySet: readFileSet(dictionariesDir, ['.csv']),
  });
  return {
    box: appliance as SingleBox | Appliance,
    dashboardUrls: appliance.dashboard.urls,
    clickhouseEndpoint: appliance.clickhouseEndpoint,
    clickhouseHostEndpoint: appliance.clickhouseHostEndpoint,
    clickhousePassword: appliance.clickhousePassword,
    appliedMigrationVersion: appliance.migrations.appliedVersion,
  };
}

const deployed = deployment.engine === 'embedded' ? singleBox() : serverAppliance();

export const version = deployed.box.version;
export const dashboardUrl = deployed.box.dashboardUrl;
export const dashboardUrls = deployed.dashboardUrls;
export const clickhouseEndpoint = deployed.clickhouseEndpoint;
export const clickhouseHostEndpoint = deployed.clickhouseHostEndpoint;
export const clickhousePassword = deployed.clickhousePassword;
export const appliedMigrationVersion = deployed.appliedMigrationVersion;
export const applianceImage = deployed.box.applianceImage;
export const httpdImage = deployed.box.httpdImage;
export const httpsUrl = deployed.box.apache.httpsUrl;
