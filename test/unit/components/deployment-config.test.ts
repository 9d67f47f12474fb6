import { describe, expect, it } from 'vitest';
import { parseDeployment } from '../../../components/deployment-config.js';

describe('deployment key', () => {
  it('fills defaults and names the bad key', () => {
    const dep = parseDeployment({ name: 'ja4-test' });
    expect(dep.dashboard.replicas).toBe(1);
    expect(dep.clickhouse.publish_port).toBe(0);
    expect(() => parseDeployment({ name: 'Bad Name' })).toThrow(/deployment\.name/);
    expect(() => parseDeployment({ name: 'ja4-x', dashboard: { replicas: 0 } })).toThrow(
      /deployment\.dashboard\.replicas/,
    );
    expect(() => parseDeployment({ name: 'ja4-x', typo: 1 })).toThrow();
  });
});
