import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseEnvValue } from '../../../../../appliance/common/config/load.js';
import { renderConfig } from '../../../../../appliance/common/config/print.js';
import {
  ConfigFileError,
  ConfigUnknownKeyError,
  ConfigValueError,
} from '../../../../../appliance/common/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ja4-config-'));
function yamlFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
const noFile = { env: {}, useDefaultFile: false } as const;

describe('loadConfig precedence', () => {
  it('gives the documented defaults with no file and no environment', () => {
    const { config, file } = loadConfig(noFile);
    expect(file).toBeUndefined();
    expect(config.clickhouse.url).toBe('embedded:./var/clickhouse');
    expect(config.dashboard.port).toBe(8000);
    expect(config.detector.min_baseline).toBe(30);
    expect(config.sentinel.ports).toEqual([443]);
  });

  it('applies defaults < YAML < environment < overrides, key by key', () => {
    const file = yamlFile(
      'precedence.yaml',
      'clickhouse:\n  url: http://ch.example:8123\n  username: ja4\ndashboard:\n  port: 9000\ndetector:\n  trees: 50\n',
    );
    const { config, sources } = loadConfig({
      file,
      env: { JA4_DASHBOARD_PORT: '9100', JA4_SENTINEL_PORTS: '443,8443' },
      overrides: { 'detector.trees': 77 },
    });
    expect(config.clickhouse.url).toBe('http://ch.example:8123'); // file over default
    expect(config.clickhouse.username).toBe('ja4');
    expect(config.clickhouse.request_timeout_ms).toBe(60_000); // default kept beside file keys
    expect(config.dashboard.port).toBe(9100); // env over file
    expect(config.sentinel.ports).toEqual([443, 8443]); // env list
    expect(config.detector.trees).toBe(77); // override over file
    expect(sources['dashboard.port']).toBe('environment JA4_DASHBOARD_PORT');
    expect(sources['clickhouse.username']).toBe(file);
  });

  it('reads the file named by JA4_CONFIG', () => {
    const file = yamlFile('by-env.yaml', 'log:\n  level: debug\n');
    expect(loadConfig({ env: { JA4_CONFIG: file } }).config.log.level).toBe('debug');
  });

  it('treats an empty file as all defaults', () => {
    const file = yamlFile('empty.yaml', '');
    expect(loadConfig({ file, env: {} }).config.correlator.grace_ms).toBe(2000);
  });
});

describe('loadConfig errors name the key, the value, the source and what is allowed', () => {
  it('refuses an unknown key in the file', () => {
    const file = yamlFile('unknown.yaml', 'clickhouse:\n  hostname: x\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(ConfigUnknownKeyError);
    expect(() => loadConfig({ file, env: {} })).toThrow(
      /"clickhouse\.hostname".*unknown\.yaml.*url, username/,
    );
  });

  it('refuses an unknown section', () => {
    const file = yamlFile('section.yaml', 'clickhous:\n  url: x\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(/unknown key "clickhous"/);
  });

  it('refuses an unknown JA4_* variable', () => {
    expect(() => loadConfig({ ...noFile, env: { JA4_CLICKHOUSE_HOST: 'x' } })).toThrow(
      /unknown key "JA4_CLICKHOUSE_HOST" \(from environment\)/,
    );
  });

  it('refuses a wrong type from the file', () => {
    const file = yamlFile('type.yaml', 'dashboard:\n  port: eighty\n');
    const err = captureError(() => loadConfig({ file, env: {} }));
    expect(err).toBeInstanceOf(ConfigValueError);
    expect(err.message).toMatch(/dashboard\.port = "eighty" \(from .*type\.yaml\) is not allowed: .*number/);
  });

  it('refuses an out-of-range value from the environment', () => {
    const err = captureError(() => loadConfig({ ...noFile, env: { JA4_DASHBOARD_PORT: '70000' } }));
    expect(err.message).toMatch(/dashboard\.port = 70000 \(from environment JA4_DASHBOARD_PORT\).*65535/);
  });

  it('refuses a value outside an enum and lists the allowed ones', () => {
    const err = captureError(() => loadConfig({ ...noFile, env: { JA4_LOG_LEVEL: 'loud' } }));
    expect(err.message).toMatch(/log\.level = "loud".*"info"/);
  });

  it('refuses a bad CIDR inside a list and names the item', () => {
    const file = yamlFile('cidr.yaml', 'filter:\n  deny: [10.0.0.0/8, 300.1.1.1/8]\n');
    const err = captureError(() => loadConfig({ file, env: {} }));
    expect(err.message).toMatch(/filter\.deny\.1 = "300\.1\.1\.1\/8"/);
  });

  it('refuses a bad ClickHouse URL', () => {
    const err = captureError(() => loadConfig({ ...noFile, env: { JA4_CLICKHOUSE_URL: 'ftp://x' } }));
    expect(err.message).toMatch(/clickhouse\.url = "ftp:\/\/x".*embedded:<directory>/);
  });

  it('refuses a missing --config file and invalid YAML', () => {
    expect(() => loadConfig({ file: join(dir, 'absent.yaml'), env: {} })).toThrow(ConfigFileError);
    expect(() => loadConfig({ file: join(dir, 'absent.yaml'), env: {} })).toThrow(/ENOENT/);
    const bad = yamlFile('bad.yaml', 'clickhouse: [unclosed\n');
    expect(() => loadConfig({ file: bad, env: {} })).toThrow(/invalid YAML/);
    const scalar = yamlFile('scalar.yaml', 'just a string\n');
    expect(() => loadConfig({ file: scalar, env: {} })).toThrow(/must be a mapping/);
  });

  it('gives every config error a one-line message', () => {
    const err = captureError(() => loadConfig({ ...noFile, env: { JA4_DETECTOR_TREES: '-1' } }));
    expect(err.message.includes('\n')).toBe(false);
  });
});

describe('config print', () => {
  it('masks secrets and keeps the rest', () => {
    const { config } = loadConfig({
      ...noFile,
      env: { JA4_CLICKHOUSE_PASSWORD: 's3cret', JA4_DASHBOARD_SESSION_SECRET: 'k'.repeat(40) },
    });
    const out = renderConfig(config);
    expect(out).not.toContain('s3cret');
    expect(out).not.toContain('k'.repeat(40));
    expect(out).toMatch(/password: "\*+"/);
    expect(out).toContain('url: embedded:./var/clickhouse');
  });
});

describe('secrets never leave the loader or config print', () => {
  it('masks the password inside clickhouse.url, in its user information and its query', () => {
    const { config } = loadConfig({
      ...noFile,
      env: { JA4_CLICKHOUSE_URL: 'http://ja4:pa55-word@ch.example:8123/?user=ja4&password=q5ecret' },
    });
    const out = renderConfig(config);
    expect(out).toContain('url: http://ja4:********@ch.example:8123/?user=ja4&password=********');
    expect(out).not.toContain('pa55-word');
    expect(out).not.toContain('q5ecret');
  });

  it('masks every secret key, the detector and metrics tokens included', () => {
    const token = 'T'.repeat(40);
    const { config } = loadConfig({
      ...noFile,
      env: { JA4_DETECTOR_API_TOKEN: token, JA4_DASHBOARD_METRICS_TOKEN: `M${token}` },
    });
    const out = renderConfig(config);
    expect(out).not.toContain(token);
    expect(out).toMatch(/api_token: "\*+"/);
    expect(out).toMatch(/metrics_token: "\*+"/);
  });

  it.each([
    ['JA4_DASHBOARD_SESSION_SECRET', 'short-sekrit-value', 'dashboard.session_secret'],
    ['JA4_DETECTOR_API_TOKEN', 'bad token with spaces but long enough to count', 'detector.api_token'],
    ['JA4_DASHBOARD_METRICS_TOKEN', 'tiny-tok3n', 'dashboard.metrics_token'],
    ['JA4_CLICKHOUSE_URL', 'ftp://ja4:url-pa55@ch.example/', 'clickhouse.url'],
  ])('a bad %s names the key and never echoes the value', (name, value, key) => {
    const err = captureError(() => loadConfig({ ...noFile, env: { [name]: value } }));
    expect(err).toBeInstanceOf(ConfigValueError);
    expect(err.message).toContain(key);
    const secret = value.includes('@') ? 'url-pa55' : value;
    expect(err.message).not.toContain(secret);
  });

  it("never echoes a user's password hash when the user entry is refused", () => {
    const file = yamlFile(
      'bad-user.yaml',
      'dashboard:\n  users:\n    - username: ana\n      password_hash: scrypt$hash-value-x\n      extra: 1\n',
    );
    const err = captureError(() => loadConfig({ file, env: {} }));
    expect(err.message).toContain('dashboard.users.0');
    expect(err.message).not.toContain('hash-value-x');
  });

  it('never echoes a secret given with the wrong type', () => {
    const file = yamlFile('secret-number.yaml', 'clickhouse:\n  password: 123456789\n');
    const err = captureError(() => loadConfig({ file, env: {} }));
    expect(err.message).toContain('clickhouse.password');
    expect(err.message).not.toContain('123456789');
  });
});

describe('parseEnvValue', () => {
  it('reads numbers, booleans and lists, and leaves garbage for the schema to refuse', () => {
    expect(parseEnvValue('42', 'number')).toBe(42);
    expect(parseEnvValue('4x', 'number')).toBe('4x');
    expect(parseEnvValue('true', 'boolean')).toBe(true);
    expect(parseEnvValue('a, b', 'array')).toEqual(['a', 'b']);
    expect(parseEnvValue('[1, 2]', 'array')).toEqual([1, 2]);
    expect(parseEnvValue('', 'array')).toEqual([]);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
