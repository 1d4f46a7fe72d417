// `npm run build`: bundles the main-side entries with esbuild into dist/main and the renderer
// with Vite into dist/renderer. `node scripts/build.mjs main` or `... renderer` builds one half.
// Prints one line per output and exits non-zero on any error.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distMain = path.join(root, 'dist', 'main');
const distRenderer = path.join(root, 'dist', 'renderer');

/**
 * Each main-side entry becomes one CommonJS file. better-sqlite3 stays external (a native addon,
 * loaded from node_modules, rebuilt for Electron when packaged); electron is provided at run time;
 * bufferutil and utf-8-validate are optional speed-ups of ws that it loads only when present.
 */
const mainEntries = [
  { entry: 'src-main/core/worker/core.worker.ts', out: 'core-worker.cjs' },
  { entry: 'src-main/host/host.main.ts', out: 'host.cjs' },
  { entry: 'src-main/electron/electron.main.ts', out: 'electron-main.cjs' },
  // A sandboxed preload cannot load other files: it must be self-contained and need only electron.
  { entry: 'src-main/electron/preload.ts', out: 'preload.cjs', preload: true },
  // The sync server, for `npm start` (embedded) and for IT to run as a service.
  { entry: 'src-server/cli/crm-server.ts', out: '../server/crm-server.cjs', tsconfig: 'tsconfig.server.json' },
];
const external = ['better-sqlite3', 'better-sqlite3-multiple-ciphers', 'electron', 'bufferutil', 'utf-8-validate', 'pg-native'];

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const since = (start) => `${Math.round(performance.now() - start)} ms`;

async function buildMain() {
  // Outputs are overwritten in place, not cleared first: a host or test started from dist/main
  // meanwhile (other terminals, watch loops) keeps finding its files.
  await Promise.all(
    mainEntries.map(async ({ entry, out, preload, tsconfig }) => {
      const start = performance.now();
      const outfile = path.join(distMain, out);
      await esbuild.build({
        absWorkingDir: root,
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        sourcemap: true,
        external,
        logLevel: 'warning',
        // The root tsconfig only references the per-runtime projects; this one covers src-main.
        tsconfig: tsconfig ?? 'tsconfig.main.json',
      });
      if (preload) checkPreload(outfile);
      console.log(`build: ${path.relative(root, outfile)}  ${kb(fs.statSync(outfile).size)}  (${since(start)})`);
    }),
  );
}

/** The sandbox gives a preload `require` for electron (and a few polyfills) only. */
function checkPreload(file) {
  const code = fs.readFileSync(file, 'utf8');
  const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]).filter((name) => name !== 'electron');
  if (required.length > 0) throw new Error(`${path.relative(root, file)} requires ${[...new Set(required)].join(', ')}; a sandboxed preload may require only electron`);
}

async function buildRenderer() {
  const start = performance.now();
  // Vite is imported only when needed: the main half builds without loading it.
  const { build } = await import('vite');
  // The config file sets the renderer's own root (src-renderer) and output folder.
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  const index = path.join(distRenderer, 'index.html');
  if (!fs.existsSync(index)) throw new Error(`vite build wrote no ${path.relative(root, index)}`);
  const files = fs.readdirSync(distRenderer, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  const bytes = files.reduce((sum, d) => sum + fs.statSync(path.join(d.parentPath, d.name)).size, 0);
  console.log(`build: ${path.relative(root, distRenderer)}/  ${files.length} files, ${kb(bytes)}  (${since(start)})`);
}

const parts = { main: buildMain, renderer: buildRenderer };
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !Object.hasOwn(parts, w));
if (unknown.length > 0) {
  console.error(`build: unknown part ${unknown.join(', ')}; parts: ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}

const started = performance.now();
try {
  for (const name of wanted.length > 0 ? wanted : Object.keys(parts)) await parts[name]();
  console.log(`build: done in ${since(started)}`);
} catch (error) {
  // esbuild has already printed its diagnostics; its error message repeats them in one block.
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
