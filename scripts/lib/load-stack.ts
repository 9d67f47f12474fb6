/**
 * The whole pipeline bench:load drives, all on one machine: embedded ClickHouse (chDB) with the
 * migrations applied, the correlator in this process writing to it, `ja4 sentinel` as its own
 * process on lo, and a real Apache (event MPM, mod_ssl) with mod_reqin_log (stats lines every
 * second) and a combined access log, which says what Apache answered.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { type ClickHouseHandle, defaultConfig, openClickHouse } from '../../appliance/common/index.js';
import { migrateUp } from '../../appliance/common/migrate/index.js';
import { type CorrelatorHandle, startCorrelator } from '../../appliance/correlator/service.js';
import { type ApacheServer, buildModule, freePort, startApache } from '../../appliance/web-host/index.js';
import { APACHE, MODULE_DIR } from './apache-host.js';
import { REPO_ROOT } from './bench.js';

export interface LoadStack {
  apache: ApacheServer;
  correlator: CorrelatorHandle;
  clickhouse: ClickHouseHandle;
  sentinelMetricsPort: number;
  /** Lines in Apache's access log: the requests it answered. */
  answered(): number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `ja4 sentinel` on lo for the TLS port, until it has connected to the network socket. */
async function startSentinelProcess(
  port: number,
  socket: string,
  metricsPort: number,
): Promise<ChildProcess> {
  const argv = ['sentinel', '--iface', 'lo', '--ports', String(port), '--socket', socket];
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/ja4.js'), ...argv, '--metrics-port', String(metricsPort)],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, JA4_LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`ja4 sentinel exited: ${stderr.trim()}`);
    const up = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await sleep(200);
  }
  child.kill('SIGTERM');
  throw new Error(`ja4 sentinel did not serve /metrics: ${stderr.trim()}`);
}

/** Starts everything under `dir` (a fresh temp dir). */
export async function startLoadStack(dir: string): Promise<LoadStack> {
  chmodSync(dir, 0o755);
  const base = defaultConfig();
  const clickhouse = await openClickHouse({
    ...base.clickhouse,
    url: `embedded:${path.join(dir, 'clickhouse')}`,
  });
  await migrateUp(clickhouse.client);
  const asRoot = process.getuid?.() === 0;
  const config = {
    ...base,
    sockets: {
      ...base.sockets,
      http: path.join(dir, 'sock/http.socket'),
      network: path.join(dir, 'sock/network.socket'),
      // Apache's children run as nobody:nogroup when started as root.
      group: asRoot ? 'nogroup' : '',
      mode: '0660',
    },
    correlator: { ...base.correlator, spool_dir: path.join(dir, 'spool'), metrics_port: 0 },
  };
  mkdirSync(path.join(dir, 'sock'), { recursive: true, mode: 0o755 });
  const correlator = await startCorrelator({ config, log: pino({ level: 'error' }), clickhouse });
  const apache = await startApache({
    mpm: 'event',
    apache: APACHE,
    module: buildModule(MODULE_DIR),
    tls: true,
    stock: true,
    keepDir: true,
    mpmConf: 'StartServers 2\nServerLimit 4\nThreadsPerChild 64\nMaxRequestWorkers 256\nListenBacklog 4096',
    conf: [`ReqinLogSocket ${config.sockets.http}`, 'ReqinLogStats 1'].join('\n'),
    startTimeoutMs: 30_000,
  });
  const sentinelMetricsPort = await freePort();
  const sentinel = await startSentinelProcess(apache.tlsPort, config.sockets.network, sentinelMetricsPort);
  const accessLog = path.join(apache.dir, 'access.log');
  return {
    apache,
    correlator,
    clickhouse,
    sentinelMetricsPort,
    answered: () => {
      try {
        const text = readFileSync(accessLog, 'latin1');
        let n = 0;
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
        return n;
      } catch {
        return 0;
      }
    },
    async stop() {
      sentinel.kill('SIGTERM');
      await apache.stop();
      await correlator.close();
      await clickhouse.close();
    },
  };
}
