#!/usr/bin/env node
// The `ja4` command. From a source checkout it runs the TypeScript through tsx; an installed
// package (RPM, image) ships only the compiled dist/ and runs that.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}appliance/cli/main.ts`;
let entry;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import(source);
} else {
  entry = await import(`${root}dist/appliance/cli/main.js`);
}
await entry.main(process.argv);
