import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sentinelPorts } from '../../../../../appliance/cli/up/edge.js';
import { indexPage, withSocketGroup } from '../../../../../appliance/cli/up/web-host.js';
import { defaultConfig } from '../../../../../appliance/common/config/schema.js';
import { blockedDirectory, runAsIdentity } from '../../../../../appliance/web-host/run-as.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-runas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const passwd = path.join(dir, 'passwd');
const group = path.join(dir, 'group');
writeFileSync(
  passwd,
  [
    'root:x:0:0:root:/root:/bin/bash',
    'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
    'alice:x:1000:1000::/home/alice:/bin/bash',
  ].join('\n'),
);
writeFileSync(group, ['root:x:0:', 'www-data:x:33:', 'alice:x:1000:', 'ja4:x:990:www-data'].join('\n'));
const files = { passwdFile: passwd, groupFile: group };

describe('who the web host serves as', () => {
  it('is the invoking user without root (null: httpd cannot switch)', () => {
    expect(runAsIdentity('', { uid: 1000, ...files })).toBeNull();
  });

  it('as root: the sudo caller, else www-data, else what web_host.user names', () => {
    expect(runAsIdentity('', { uid: 0, sudoUser: 'alice', ...files })).toMatchObject({
      user: 'alice',
      group: 'alice',
    });
    expect(runAsIdentity('', { uid: 0, sudoUser: '', ...files })).toEqual({
      user: 'www-data',
      group: 'www-data',
      uid: 33,
      gid: 33,
      gids: [33, 990],
    });
    expect(runAsIdentity('alice', { uid: 0, sudoUser: '', ...files })?.user).toBe('alice');
    expect(runAsIdentity('nobody-here', { uid: 0, ...files })).toBeNull();
  });

  it('gives the correlator sockets its group unless sockets.group is set', () => {
    const config = defaultConfig();
    const runAs = runAsIdentity('', { uid: 0, sudoUser: '', ...files });
    const plan = { run: true as const, runAs, moduleDir: '/m' };
    expect(withSocketGroup(config, plan).sockets.group).toBe('www-data');
    const own = { ...config, sockets: { ...config.sockets, group: 'ja4' } };
    expect(withSocketGroup(own, plan).sockets.group).toBe('ja4');
    expect(withSocketGroup(config, { run: true, runAs: null, moduleDir: '/m' }).sockets.group).toBe('');
  });

  it('finds the first directory its user cannot enter on the way to the socket', () => {
    const who = runAsIdentity('', { uid: 0, sudoUser: '', ...files });
    if (!who || process.getuid?.() !== 0) return; // needs root to make a directory www-data cannot enter
    const closed = path.join(dir, 'home');
    mkdirSync(path.join(closed, 'repo', 'var', 'run'), { recursive: true });
    chmodSync(dir, 0o755);
    chmodSync(closed, 0o700);
    expect(blockedDirectory(path.join(closed, 'repo', 'var', 'run'), who)).toBe(closed);
    chmodSync(closed, 0o711);
    expect(blockedDirectory(path.join(closed, 'repo', 'var', 'run'), who)).toBeNull();
  });
});

describe('what the sentinel watches under ja4 up', () => {
  it("is the web host's port unless sentinel.ports is set", () => {
    const config = defaultConfig();
    expect(sentinelPorts(config, {}, true)).toEqual([8443]);
    expect(sentinelPorts(config, {}, false)).toEqual([443]);
    const set = { ...config, sentinel: { ...config.sentinel, ports: [443, 9443] } };
    expect(sentinelPorts(set, { 'sentinel.ports': 'environment JA4_SENTINEL_PORTS' }, true)).toEqual([
      443, 9443,
    ]);
  });
});

describe("the web host's page", () => {
  it('links to the dashboard page of 127.0.0.1', () => {
    expect(indexPage('http://127.0.0.1:8000/')).toContain('href="http://127.0.0.1:8000/#/ip/127.0.0.1"');
  });
});
