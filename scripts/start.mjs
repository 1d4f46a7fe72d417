// `npm start`: builds what is out of date, then opens the Electron app, or, where the Electron
// binary is not installed, serves the same client in the browser through the browser host.
// Arguments after `npm start --` go to the app (e.g. `npm start -- --port 8080 --no-demo`).
//
// The launcher starts a list of services and stops them together: a sync server started by
// `npm start` is one more entry in `services` below.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fromRoot = (...parts) => path.join(root, ...parts);
const args = process.argv.slice(2);

/** What `npm run build` writes; one missing or older than any input means a rebuild. */
const buildOutputs = ['dist/main/core-worker.cjs', 'dist/main/host.cjs', 'dist/main/electron-main.cjs', 'dist/main/preload.cjs', 'dist/renderer/index.html'];
const buildInputs = ['src-main', 'src-shared', 'src-renderer', 'vite.config.ts', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'tsconfig.base.json', 'tsconfig.main.json'];

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function buildIfStale() {
  const outputs = buildOutputs.map((p) => fs.statSync(fromRoot(p), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  const oldestOutput = Math.min(...outputs);
  const newestInput = Math.max(...buildInputs.map((p) => newestMtime(fromRoot(p))));
  if (oldestOutput > 0 && oldestOutput >= newestInput) return;
  const result = spawnSync(process.execPath, [fromRoot('scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * The Electron binary, when its download was installed: node_modules/electron/path.txt names it
 * under node_modules/electron/dist. require('electron') is avoided on purpose: where the binary
 * is missing it starts downloading it.
 */
function electronBinary() {
  const dir = fromRoot('node_modules', 'electron');
  let relative;
  try {
    relative = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  const binary = path.join(dir, 'dist', relative);
  return relative && fs.existsSync(binary) ? binary : null;
}

/** The running services; a stop signal reaches each, and the launcher exits when all have. */
const services = [];
let stopping = false;
let exitCode = 0;

/**
 * Starts one child process. On POSIX each child gets its own process group, so a terminal's
 * Ctrl+C reaches it once, through the launcher, instead of twice.
 */
function startService({ name, command, commandArgs, env = process.env, onStdoutLine }) {
  const child = spawn(command, commandArgs, {
    cwd: root,
    env,
    stdio: ['ignore', onStdoutLine ? 'pipe' : 'inherit', 'inherit'],
    detached: process.platform !== 'win32',
  });
  const service = { name, child, exited: false };
  services.push(service);
  if (onStdoutLine) readline.createInterface({ input: child.stdout }).on('line', onStdoutLine);
  child.on('error', (error) => {
    console.error(`${name} could not be started: ${error.message}`);
    service.exited = true;
    exitCode ||= 1;
    stopAll('SIGTERM');
  });
  child.on('exit', (code, signal) => {
    service.exited = true;
    // A service that ends on its own (the window was closed, or it could not start) ends the
    // session; its own output has already said why.
    if (!stopping) exitCode ||= code ?? (signal ? 1 : 0);
    stopAll('SIGTERM');
  });
  return service;
}

function stopAll(signal) {
  stopping = true;
  for (const service of services) if (!service.exited) service.child.kill(signal);
  if (services.every((s) => s.exited)) process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(signal));

function startElectron(binary) {
  // Set by some tool environments, it would make Electron run as plain Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  startService({ name: 'Electron', command: binary, commandArgs: ['.', ...args], env });
}

function startBrowserHost() {
  const listening = /^CRM browser host listening on (\S+)$/;
  startService({
    name: 'the browser host',
    command: process.execPath,
    commandArgs: [fromRoot('dist', 'main', 'host.cjs'), ...args],
    onStdoutLine(line) {
      const match = listening.exec(line);
      if (match) console.log(`Electron is not installed on this machine, so the CRM is served in your browser instead: ${match[1]}`);
      else console.log(line);
    },
  });
}

buildIfStale();
const binary = electronBinary();
if (binary) startElectron(binary);
else startBrowserHost();
