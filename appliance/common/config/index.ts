export { DEFAULT_CONFIG_FILE, type LoadedConfig, type LoadOptions, loadConfig } from './load.js';
export { maskSecrets, maskTree, maskUrl, renderConfig } from './print.js';
export { type Config, configSchema, defaultConfig, SECRET_KEYS } from './schema.js';
export {
  bearerMatches,
  detectorTokenFile,
  ensureSecretFile,
  readSecretFile,
  resolveDetectorToken,
} from './tokens.js';
