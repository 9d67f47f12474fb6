#!/usr/bin/env node
/**
 * npm postinstall: applies patches/cap+<version>+NNN+<name>.patch in order (libpcap's pcap_stats()
 * as Cap#stats(), the per-packet capture timestamp on the 'packet' event, and a block timeout that
 * opens a TPACKET_V3 ring with Cap#packetVersion() to tell it, for the sentinel) with patch-package,
 * then rebuilds cap's native binding. cap is an optional dependency (it needs the libpcap
 * headers), so a missing cap, a missing patch or a missing patch-package (a devDependency, absent
 * with --omit=dev) is said in one line and is not an error: the sentinel then falls back to
 * clock timestamps and has no pcap counters. A patch that no longer applies, or a rebuild that
 * does not yield Cap#stats, fails the install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => console.log(`ja4 postinstall: ${msg}`);

const patchDir = path.join(root, 'patches');
const patches = existsSync(patchDir) ? readdirSync(patchDir).filter((f) => f.startsWith('cap+')) : [];
const patchPackage = path.join(root, 'node_modules', 'patch-package', 'index.js');

/** True when the cap binding that `require('cap')` loads has every patched method. */
function patchedBuild() {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      "const p = require('cap').Cap.prototype; process.exit(typeof p.stats === 'function' && typeof p.packetVersion === 'function' ? 0 : 1)",
    ],
    { cwd: root, stdio: 'ignore' },
  );
  return probe.status === 0;
}

export function main() {
  if (!existsSync(path.join(root, 'node_modules', 'cap', 'package.json'))) {
    say('cap is not installed (optional; it needs libpcap-dev / libpcap-devel): nothing to patch');
    return 0;
  }
  if (patches.length === 0) {
    say('no patches/cap+*.patch here: cap stays as published');
    return 0;
  }
  if (!existsSync(patchPackage)) {
    say('patch-package is not installed (a devDependency; --omit=dev?): cap stays as published');
    return 0;
  }
  const applied = spawnSync(process.execPath, [patchPackage, '--error-on-fail'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (applied.status !== 0) {
    say(`patch-package failed on ${patches.join(', ')} (exit ${applied.status})`);
    return 1;
  }
  if (patchedBuild()) {
    say('cap is patched and its binding already has stats() and packetVersion()');
    return 0;
  }
  // npm sets npm_execpath to its CLI while running lifecycle scripts; plain `npm` otherwise.
  const npmCli = process.env.npm_execpath;
  const rebuild = npmCli?.endsWith('.js')
    ? spawnSync(process.execPath, [npmCli, 'rebuild', 'cap'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['rebuild', 'cap'], { cwd: root, stdio: 'inherit' });
  if (rebuild.status !== 0 || !patchedBuild()) {
    say(`npm rebuild cap did not produce the patched binding (exit ${rebuild.status})`);
    return 1;
  }
  say('cap patched and rebuilt (Cap#stats(), packet timestamps, TPACKET_V3 block timeout)');
  return 0;
}

// The entry-point test of scripts/lib/cli.ts's isEntryPoint, inline: this file runs at npm
// postinstall with plain node, before tsx could load a TypeScript helper.
const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (entry === import.meta.url) process.exitCode = main();
