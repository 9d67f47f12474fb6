import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../appliance/common/config/load.js';
import { defaultConfig } from '../../../appliance/common/config/schema.js';
import {
  containerConfig,
  renderConfigYaml,
  validateApplianceConfig,
} from '../../../components/render-config.js';

const tmp = mkdtempSync(join(tmpdir(), 'ja4-components-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('rendered appliance config', () => {
  it('is accepted by the real loader, points at the server and carries no secret', () => {
    const stack = validateApplianceConfig({
      retention: { http_logs_days: 45 },
      clickhouse: { password: 'from-the-stack' },
      dashboard: { admin_password: 'also-secret' },
    });
    if (!stack.ok) throw new Error(stack.message);
    const yaml = renderConfigYaml(
      containerConfig(stack.config, { host: 'clickhouse', username: 'ja4' }),
      '9.9.9',
    );
    expect(yaml).not.toContain('from-the-stack');
    expect(yaml).not.toContain('also-secret');
    const file = join(tmp, 'ja4.yaml');
    writeFileSync(file, yaml);
    const { config } = loadConfig({ file, env: {}, useDefaultFile: false });
    expect(config.clickhouse.url).toBe('http://clickhouse:8123');
    expect(config.clickhouse.username).toBe('ja4');
    expect(config.retention.http_logs_days).toBe(45);
    expect(config.sockets.http).toBe('/run/ja4/http.socket');
    expect(config.sentinel.ports).toEqual([8443]);
    // The env var the containers get completes it.
    const withEnv = loadConfig({ file, env: { JA4_CLICKHOUSE_PASSWORD: 'pw' }, useDefaultFile: false });
    expect(withEnv.config.clickhouse.password).toBe('pw');
  });

  it('reports the first invalid key instead of deploying it', () => {
    const bad = validateApplianceConfig({ detector: { threshold: 2 } });
    expect(bad).toMatchObject({ ok: false, key: 'detector.threshold' });
    expect(validateApplianceConfig({ nope: {} }).ok).toBe(false);
    expect(validateApplianceConfig(undefined)).toEqual({ ok: true, config: defaultConfig() });
  });
});
