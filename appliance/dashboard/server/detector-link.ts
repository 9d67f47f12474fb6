import { type Config, resolveDetectorToken } from '../../common/index.js';

/** An answer of the detector API: its status code and JSON body. */
export interface DetectorAnswer {
  status: number;
  body: unknown;
}

/** How the dashboard reaches the detector API, with the detector's token. */
export interface DetectorLink {
  request(method: 'GET' | 'POST', path: '/health' | '/status' | '/run'): Promise<DetectorAnswer>;
}

/** The detector API's base URL: dashboard.detector_url, else detector.host:detector.port. */
export function detectorUrl(config: Pick<Config, 'dashboard' | 'detector'>): string {
  if (config.dashboard.detector_url !== '') return config.dashboard.detector_url.replace(/\/+$/, '');
  const host = config.detector.host;
  // A wildcard listen address is reached on loopback.
  const reach = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reach.includes(':') ? `[${reach}]` : reach}:${config.detector.port}`;
}

/**
 * The detector over HTTP. The token is detector.api_token, or the one the detector generated
 * into its state directory (read at each call, so a detector started after the dashboard works).
 */
export function httpDetectorLink(config: Pick<Config, 'dashboard' | 'detector'>): DetectorLink {
  const base = detectorUrl(config);
  return {
    async request(method, path) {
      const token = resolveDetectorToken(config.detector, { create: false });
      const res = await fetch(`${base}${path}`, {
        method,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(5000),
        redirect: 'error',
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: passed on as text.
      }
      return { status: res.status, body };
    },
  };
}
