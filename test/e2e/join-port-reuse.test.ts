/**
 * The right fingerprint on every request, through the real pipeline behind a proxy: Debian's
 * apache2 with mod_reqin_log and mod_ssl, the sentinel capturing loopback, the correlator, and
 * real clients (curl, openssl s_client, Node) whose connections all reach Apache through one TCP
 * proxy that reuses three local ports, as a pass-through load balancer does. Relays between the
 * producers and the correlator hold lines for random times, so ClientHello events arrive after
 * their requests' events and an old connection's requests after the next ClientHello on its port.
 *
 * Truth: each connection has its own SNI and the test knows which connection sent each request;
 * the JA4 of each SNI's ClientHello comes from tshark's dissection of the sentinel's capture
 * (test/helpers/tshark-ja4.ts, no sentinel code). No stored row may carry another connection's
 * SNI, JA4 or sequence number.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canCapture } from '../../appliance/cli/up/capture-rights.js';
import { defaultConfig } from '../../appliance/common/config/schema.js';
import type { CorrelatedRow } from '../../appliance/common/index.js';
import { createRng } from '../../appliance/common/prng.js';
import { type CorrelatorHandle, startCorrelator } from '../../appliance/correlator/service.js';
import { type SentinelHandle, startSentinel } from '../../appliance/sentinel/index.js';
import { type ApacheServer, apacheMissing, buildModule, freePort, startApache } from '../helpers/apache.js';
import { type Relay, type ReuseProxy, startDelayRelay, startReuseProxy } from '../helpers/port-reuse.js';
import { CLIENT_KINDS } from '../helpers/tls-clients.js';
import { tsharkHellos, tsharkMissing } from '../helpers/tshark-ja4.js';

const CONNECTIONS = Number(process.env.JA4_REUSE_CONNECTIONS ?? 240);
const PARALLEL = 8;
const SEED = process.env.JA4_REUSE_SEED ?? String(Date.now());
const missing =
  apacheMissing() ??
  tsharkMissing() ??
  (canCapture() ? null : 'capture on loopback needs root or CAP_NET_RAW');
if (missing) console.warn(`skipping the port-reuse pipeline test: ${missing}`);

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two runs: as the module sends its lines (sequence numbers decide), and with conn_isn removed
 * on the way, as from a server whose kernel keeps no SYN (event times decide).
 */
const MODES = [
  { mode: 'sequence numbers', strip: false, minJoined: 0.95 },
  { mode: 'event times only', strip: true, minJoined: 0.5 },
];

describe.skipIf(Boolean(missing)).each(MODES)(
  'the join behind a proxy that reuses its ports, real pipeline, $mode',
  ({ strip, minJoined }) => {
    let dir = '';
    let apache: ApacheServer | undefined;
    let correlator: CorrelatorHandle | undefined;
    let sentinel: SentinelHandle | undefined;
    let proxy: ReuseProxy | undefined;
    const relays: Relay[] = [];
    const sent = new Map<string, { sni: string; kind: string }>();

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-reuse-'));
      chmodSync(dir, 0o755);
      const config = defaultConfig();
      config.sockets = { ...config.sockets, http: `${dir}/http.socket`, network: `${dir}/network.socket` };
      config.correlator = {
        ...config.correlator,
        sink: 'file',
        file_path: `${dir}/rows.jsonl`,
        spool_dir: `${dir}/spool`,
        metrics_port: 0,
      };
      correlator = await startCorrelator({ config, log });
      const rng = createRng('reuse-delays', SEED);
      const tlsDelay = () => (rng.chance(0.5) ? rng.next() * 20 : 100 + rng.next() * 1100);
      const httpDelay = () => (rng.chance(0.7) ? rng.next() * 10 : 100 + rng.next() * 600);
      const connOf = (line: string) => /"conn_id":"([^"]*)"/.exec(line)?.[1] ?? '';
      const noIsn = (line: string) => (strip ? line.replace(/"conn_isn":\d+/, '"conn_isn":null') : line);
      relays.push(await startDelayRelay(`${dir}/net-relay.socket`, config.sockets.network, SEED, tlsDelay));
      relays.push(
        await startDelayRelay(
          `${dir}/http-relay.socket`,
          config.sockets.http,
          SEED,
          httpDelay,
          connOf,
          noIsn,
        ),
      );
      chmodSync(`${dir}/http-relay.socket`, 0o777); // Apache's children run as nobody
      apache = await startApache({
        mpm: 'event',
        module: buildModule(),
        tls: true,
        conf: `ReqinLogSocket ${dir}/http-relay.socket`,
      });
      sentinel = await startSentinel({
        sentinel: {
          ...config.sentinel,
          iface: 'lo',
          ports: [apache.tlsPort],
          metrics_port: 0,
          reconnect_max_ms: 200,
        },
        socket: `${dir}/net-relay.socket`,
        write: `${dir}/capture.pcap`,
        log,
      });
      await sleep(500);
      const ports = [await freePort(), await freePort(), await freePort()];
      proxy = await startReuseProxy(apache.tlsPort, ports);
    }, 180_000);

    afterAll(async () => {
      await proxy?.close();
      await sentinel?.close();
      await apache?.stop();
      for (const r of relays) await r.close();
      await correlator?.close();
      if (dir && !process.env.TEST_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it(`joins ${CONNECTIONS} connections over 3 reused proxy ports with zero wrong attributions (seed ${SEED})`, async () => {
      const rng = createRng('reuse-clients', SEED);
      let next = 0;
      let id = 0;
      const worker = async () => {
        for (let c = next++; c < CONNECTIONS; c = next++) {
          const kind = CLIENT_KINDS[rng.int(0, CLIENT_KINDS.length - 1)];
          const sni = `c${c}.${kind.name}.join.test`;
          const ids = Array.from({ length: rng.int(1, 4) }, () => `${SEED}x${id++}`);
          for (const i of ids) sent.set(i, { sni, kind: kind.name });
          await kind.run(proxy!.port, sni, ids);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      // Everything logged reaches the correlator through the relays, then waits out the grace.
      await sleep(1500);
      await sentinel!.close();
      sentinel = undefined;
      for (const r of relays.splice(0)) await r.close();
      await sleep(2500);
      const stats = structuredClone(correlator!.join.stats);
      await correlator!.close();

      const rows = readFileSync(`${dir}/rows.jsonl`, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as CorrelatedRow);
      const hellos = tsharkHellos(`${dir}/capture.pcap`, apache!.tlsPort);
      const bySni = new Map(hellos.map((h) => [h.sni, h]));
      const wrong: string[] = [];
      let joined = 0;
      let checked = 0;
      for (const r of rows) {
        const truth = sent.get(new URLSearchParams(r.query).get('t') ?? '');
        if (!truth) continue;
        checked++;
        if (!r.correlated) continue;
        joined++;
        const hello = bySni.get(truth.sni);
        if (r.sni !== truth.sni || r.ja4 !== hello?.ja4 || (!strip && r.conn_isn !== hello?.isn))
          wrong.push(
            `${truth.sni} (${truth.kind}) got ${r.sni} ${r.ja4} isn ${r.conn_isn}; tshark ${hello?.ja4} isn ${hello?.isn}`,
          );
      }
      const reuse = [...proxy!.perPort.values()];
      // How the times alone would have fared: connections whose ClientHello was captured before
      // Apache took the connection (accept() behind), by more than the join's 1 ms tolerance.
      const truthOf = (r: CorrelatedRow) => sent.get(new URLSearchParams(r.query).get('t') ?? '')?.sni ?? '';
      const starts = new Map(rows.map((r) => [r.conn_id, { start: r.conn_start_us ?? 0, sni: truthOf(r) }]));
      const lags = [...starts.values()]
        .map((c) => c.start - (bySni.get(c.sni)?.tsUs ?? c.start))
        .sort((a, b) => a - b);
      const helloBeforeStart = lags.filter((l) => l > 1000).length;
      const report = {
        seed: SEED,
        requests: sent.size,
        rows: rows.length,
        checked,
        joined,
        hellos: hellos.length,
        connections: starts.size,
        hello_before_start_over_1ms: helloBeforeStart,
        start_minus_hello_us: { median: lags[lags.length >> 1], max: lags[lags.length - 1] },
        wrong: wrong.length,
        reuse,
        stats,
      };
      console.log(`port-reuse pipeline: ${JSON.stringify(report)}`);
      expect(wrong, JSON.stringify(report)).toEqual([]);
      expect(checked, JSON.stringify(report)).toBe(sent.size);
      // Not vacuous: ports were reused, requests came before their handshakes, and most were joined.
      expect(Math.min(...reuse)).toBeGreaterThan(10);
      expect(stats.joinedAfterWait, JSON.stringify(report)).toBeGreaterThan(20);
      expect(stats.rejected.servedOther, JSON.stringify(report)).toBeGreaterThan(20);
      expect(stats.basis[strip ? 'time' : 'seq'], JSON.stringify(report)).toBeGreaterThan(0);
      expect(joined / checked, JSON.stringify(report)).toBeGreaterThan(minJoined);
    }, 600_000);
  },
);
