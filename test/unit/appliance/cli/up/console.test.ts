import { describe, expect, it } from 'vitest';
import { addressWidth, formatRow, nextSteps, RUNNING_LINE } from '../../../../../appliance/cli/up/console.js';
import { upLogChoice } from '../../../../../appliance/cli/up/logging.js';

describe("ja4 up's console", () => {
  it('aligns service, address, state and note in columns', () => {
    const width = addressWidth(['embedded:./var/clickhouse', 'https://127.0.0.1:8443/']);
    const rows = [
      formatRow('clickhouse', 'embedded:./var/clickhouse', 'ready', 'schema 23', { width }),
      formatRow(
        'web host',
        'https://127.0.0.1:8443/',
        'skipped',
        'apxs not found: sudo apt-get install apache2 apache2-dev',
        { width },
      ),
      formatRow('sentinel', 'lo port 8443', 'off', '', { width }),
    ];
    expect(rows[0]).toBe('  clickhouse  embedded:./var/clickhouse ready    schema 23');
    expect(new Set(rows.map((r) => r.search(/ (ready|skipped|off)( |$)/))).size).toBe(1);
    expect(rows[2]).toMatch(/off$/);
  });

  it('colours only the state word', () => {
    expect(formatRow('detector', 'http://127.0.0.1:8080', 'failed', 'why', { width: 24, colour: true })).toBe(
      '  detector    http://127.0.0.1:8080    \x1b[31mfailed  \x1b[0m why',
    );
  });

  it('ends with what to do: a curl to the web host, the dashboard page of 127.0.0.1, then the running line', () => {
    const lines = nextSteps({
      dashboardUrl: 'http://127.0.0.1:8000/',
      webHostUrl: 'https://127.0.0.1:8443/',
      capturing: true,
      httpSocket: './var/run/http.socket',
    });
    expect(lines.join('\n')).toContain('curl -k https://127.0.0.1:8443/');
    expect(lines.join('\n')).toContain('http://127.0.0.1:8000/#/ip/127.0.0.1');
    expect(lines.at(-1)).toBe(RUNNING_LINE);
    const without = nextSteps({
      dashboardUrl: 'http://127.0.0.1:8000/',
      capturing: false,
      httpSocket: '/x/http.socket',
    });
    expect(without.join('\n')).toContain("point your Apache's mod_reqin_log at /x/http.socket");
    expect(without.join('\n')).toContain('without their JA4');
  });
});

describe("ja4 up's logs", () => {
  const base = { level: 'info' as const, pretty: 'auto' as const, file: '' };

  it('go to var/log/ja4.log on a terminal, to stderr off one', () => {
    expect(upLogChoice(base, { tty: true })).toEqual({
      log: { ...base, file: './var/log/ja4.log' },
      where: 'var/log/ja4.log',
    });
    expect(upLogChoice(base, { tty: false })).toEqual({ log: { ...base, file: '-' }, where: 'stderr' });
  });

  it('follow log.file when it is set, and --log-format puts them on stderr even on a terminal', () => {
    expect(upLogChoice({ ...base, file: '/var/log/ja4/up.log' }, { tty: false }).log.file).toBe(
      '/var/log/ja4/up.log',
    );
    expect(upLogChoice({ ...base, file: '-' }, { tty: true }).where).toBe('stderr');
    expect(upLogChoice(base, { tty: true, format: 'json' }).log).toEqual({
      ...base,
      file: '-',
      pretty: 'never',
    });
    expect(upLogChoice(base, { tty: true, format: 'pretty' }).log).toEqual({
      ...base,
      file: '-',
      pretty: 'always',
    });
  });
});
