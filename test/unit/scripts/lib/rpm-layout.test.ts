import { describe, expect, it } from 'vitest';
import {
  expectedPackages,
  moduleSources,
  npmErrors,
  rpmbuildArgs,
  rpmVersion,
} from '../../../../scripts/lib/rpm-layout.js';

describe('rpmVersion', () => {
  it('keeps a release version', () => {
    expect(rpmVersion('0.1.0')).toBe('0.1.0');
    expect(rpmVersion('12.3.45')).toBe('12.3.45');
  });

  it('maps a semver pre-release to a tilde, with no dash left', () => {
    expect(rpmVersion('1.2.0-rc.1')).toBe('1.2.0~rc.1');
    expect(rpmVersion('1.2.0-beta-2')).toBe('1.2.0~beta_2');
  });

  it('drops build metadata', () => {
    expect(rpmVersion('1.2.0+sha.abc')).toBe('1.2.0');
    expect(rpmVersion('1.2.0-rc.1+20260101')).toBe('1.2.0~rc.1');
  });

  it('rejects what is not semver', () => {
    expect(() => rpmVersion('1.2')).toThrow(/not a semver/);
    expect(() => rpmVersion('v1.2.3')).toThrow(/not a semver/);
    expect(() => rpmVersion('1.2.3 ; rm -rf /')).toThrow(/not a semver/);
  });
});

describe('moduleSources', () => {
  it('keeps every C source and header, sorted, and nothing else of the module folder', () => {
    const entries = [
      'Makefile',
      'README.md',
      'build',
      'reqin_socket.h',
      'mod_reqin_log.c',
      'reqin_json.c',
      'reqin_json.h',
      'reqin_log.conf.example',
      'reqin_socket.c',
      'notes.cc',
      '.hidden.c~',
    ];
    expect(moduleSources(entries)).toEqual([
      'mod_reqin_log.c',
      'reqin_json.c',
      'reqin_json.h',
      'reqin_socket.c',
      'reqin_socket.h',
    ]);
  });
});

describe('rpmbuildArgs', () => {
  const base = {
    spec: '/r/rpm/ja4.spec',
    topdir: '/w/rpmbuild',
    sourcedir: '/w/SOURCES',
    rpmdir: '/out',
    version: '1.2.0~rc.1',
    release: '3',
    withChdb: true,
    withModule: true,
    nodeps: false,
  };

  it('defines the version, release and directories for the spec', () => {
    const args = rpmbuildArgs(base);
    expect(args.slice(0, 2)).toEqual(['-bb', '/r/rpm/ja4.spec']);
    const defines = args.flatMap((a, i) => (args[i - 1] === '--define' ? [a] : []));
    expect(defines).toContain('ja4_version 1.2.0~rc.1');
    expect(defines).toContain('ja4_release 3');
    expect(defines).toContain('_sourcedir /w/SOURCES');
    expect(defines).toContain('_rpmdir /out');
    expect(args).not.toContain('--without');
    expect(args).not.toContain('--nodeps');
  });

  it('turns off the optional packages and dependency checks when asked', () => {
    const args = rpmbuildArgs({
      ...base,
      withChdb: false,
      withModule: false,
      nodeps: true,
      payload: 'w1.gzdio',
    });
    expect(args.join(' ')).toContain('--without chdb');
    expect(args.join(' ')).toContain('--without module');
    expect(args).toContain('--nodeps');
    expect(args).toContain('_binary_payload w1.gzdio');
  });
});

describe('expectedPackages', () => {
  it('lists the optional packages only when built', () => {
    expect(expectedPackages({ withChdb: false, withModule: false })).toEqual([
      'ja4-common',
      'ja4-sentinel',
      'ja4-correlator',
      'ja4-analysis',
    ]);
    expect(expectedPackages({ withChdb: true, withModule: true })).toContain('ja4-chdb');
    expect(expectedPackages({ withChdb: true, withModule: true })).toContain('ja4-mod-reqin-log');
  });
});

describe('npmErrors', () => {
  it('keeps the cause and drops the usage text', () => {
    const stderr = [
      'npm warn EBADENGINE Unsupported engine {',
      'npm error code EUSAGE',
      'npm error',
      'npm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.',
      'npm error Clean install a project',
    ].join('\n');
    const got = npmErrors(stderr);
    expect(got).toContain('EUSAGE');
    expect(got).toContain('in sync');
    expect(got).not.toContain('EBADENGINE');
    expect(got.split('; ')).toHaveLength(3);
  });

  it('falls back to the last lines when npm printed no error lines', () => {
    expect(npmErrors('a\nb\nc\nd')).toBe('b; c; d');
  });
});
