import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src-renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

/**
 * The renderer bundle. `base: './'` keeps every asset URL relative, so the same index.html loads
 * from Electron's app:// origin (or file://) and from the browser host at /. The Content Security
 * Policy comes with the page from whoever serves it (src-main/host/static-files.ts RENDERER_CSP).
 * In `vite dev`, /api is proxied to a running browser host (CRM_HOST_URL, e.g. http://127.0.0.1:5174).
 */
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // ag-grid alone is close to a megabyte; the app loads from disk, not over a network.
    chunkSizeWarningLimit: 2500,
  },
  server: {
    proxy: process.env.CRM_HOST_URL ? { '/api': { target: process.env.CRM_HOST_URL, ws: true } } : {},
  },
});
