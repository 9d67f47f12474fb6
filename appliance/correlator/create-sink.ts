import type { ClickHouseHandle, Config } from '../common/index.js';
import { ClickHouseSink, FileSink, StdoutSink } from './adapters/index.js';
import { SinkConfigError } from './errors.js';
import type { RowSink } from './ports/sink.js';

/** The sink correlator.sink names. */
export function createSink(config: Config, clickhouse: ClickHouseHandle | undefined): RowSink {
  const cfg = config.correlator;
  switch (cfg.sink) {
    case 'clickhouse':
      if (!clickhouse) throw new SinkConfigError('sink = clickhouse needs an open ClickHouse handle');
      return new ClickHouseSink(clickhouse.client, { format: cfg.insert_format });
    case 'file':
      return new FileSink({
        path: cfg.file_path,
        maxBytes: cfg.file_max_mb * 1024 * 1024,
        keep: cfg.file_keep,
      });
    case 'stdout':
      return new StdoutSink();
  }
}
