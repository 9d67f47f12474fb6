import { type Command, Option } from 'commander';
import { createLogger, createShutdown } from '../../common/index.js';
import { startSentinel } from '../../sentinel/index.js';
import { action, type CliContext } from '../context.js';
import { startHeartbeat } from '../up/sentinel-heartbeat.js';

interface SentinelFlags {
  iface?: string;
  ports?: string;
  filter?: string;
  socket?: string;
  write?: string;
  metricsPort?: string;
  heartbeatMs?: string;
}

export function registerSentinelCommands(program: Command, ctx: CliContext): void {
  program
    .command('sentinel')
    .description(
      'capture TLS/QUIC ClientHellos live (libpcap) and send one TLS event per hello to network.socket',
    )
    .option('--iface <name>', 'capture interface (sentinel.iface)')
    .option('--ports <list>', 'server ports, comma separated; TCP and UDP (sentinel.ports)')
    .option('--filter <bpf>', 'BPF filter instead of the one built from the ports (sentinel.filter)')
    .option('--socket <path>', "the correlator's network socket (sockets.network)")
    .option('--write <file.pcap>', 'also write every captured frame to this pcap file (sentinel.write)')
    .option('--metrics-port <port>', 'Prometheus /metrics on 127.0.0.1, 0 = off (sentinel.metrics_port)')
    // `ja4 up` runs the sentinel as its child and hears from it over the IPC channel.
    .addOption(new Option('--heartbeat-ms <ms>', 'counters to the parent process every <ms>').hideHelp())
    .action(
      action(async (flags: SentinelFlags) => {
        const { config } = ctx.config({
          'sentinel.iface': flags.iface,
          'sentinel.ports': flags.ports?.split(',').map((p) => Number(p.trim())),
          'sentinel.filter': flags.filter,
          'sentinel.write': flags.write,
          'sentinel.metrics_port': flags.metricsPort === undefined ? undefined : Number(flags.metricsPort),
          'sockets.network': flags.socket,
        });
        const log = createLogger(config.log).child({ service: 'sentinel' });
        const shutdown = createShutdown(log);
        const handle = await startSentinel({
          sentinel: config.sentinel,
          socket: config.sockets.network,
          write: config.sentinel.write || undefined,
          log,
        });
        shutdown.register('sentinel', () => handle.close());
        shutdown.installSignalHandlers();
        const send = process.send?.bind(process);
        if (flags.heartbeatMs && send) {
          const stop = startHeartbeat(handle, Number(flags.heartbeatMs), (m) => {
            if (process.connected) send(m);
          });
          shutdown.register('heartbeat', stop);
          // The parent is gone (even killed): stop capturing rather than run unsupervised.
          process.once('disconnect', () => {
            void shutdown.run('parent process gone').then(() => process.exit(0));
          });
        }
      }),
    );
}
