export { ClickHouseSink, type InsertFormat, insertStatement, toJsonEachRow } from './clickhouse-sink.js';
export { type Decoded, decodeLine, type TimeWindow, timeWindow } from './event-decoder.js';
export { FileSink, type FileSinkOptions } from './file-sink.js';
export { FsSpool } from './fs-spool.js';
export { LineFramer } from './line-framer.js';
export { StdoutSink } from './stdout-sink.js';
export { systemClock } from './system-clock.js';
export { resolveGroup, UnixSocketSource, type UnixSocketSourceOptions } from './unix-socket-source.js';
