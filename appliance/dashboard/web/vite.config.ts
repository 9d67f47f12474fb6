import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The SOC dashboard's React app. Built into web/dist, which the fastify server serves.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
});
