import { rename, rm } from 'node:fs/promises';

/** logrotate's scheme: path → path.1 → … → path.<keep>; the oldest falls off (keep 0: path is removed). */
export async function rotateFiles(path: string, keep: number): Promise<void> {
  await rm(`${path}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(() => undefined);
  if (keep >= 1) await rename(path, `${path}.1`);
  else await rm(path, { force: true });
}
