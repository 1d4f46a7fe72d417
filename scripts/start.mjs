// `npm start`: builds what is out of date, then opens the Electron app, or, where the Electron
// binary is not installed, serves the same client in the browser through the browser host.
// Arguments after `npm start --` go to the app (e.g. `npm start -- --port 8080 --no-demo`).
//
// The launcher starts a list of services and stops them together: a sync server started by
// `npm start` is one more entry in `services` below.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fromRoot = (...parts) => path.join(root, ...parts);
const args = process.argv.slice(2);

/** What `npm run build` writes; one missing or older than any input means a rebuild. */
const buildOutputs = ['dist/main/core-worker.cjs', 'dist/main/host.cjs', 'dist/main/electron-main.cjs', 'dist/main/preload.cjs', 'dist/server/crm-server.cjs', 'dist/renderer/index.html'];
const buildInputs = ['src-main', 'src-shared', 'src-renderer', 'src-server', 'vite.config.ts', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'tsconfig.base.json', 'tsconfig.main.json', 'tsconfig.server.json'];

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

function startElectron(binary, appArgs) {
  // Set by some tool environments, it would make Electron run as plain Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // Chromium-style switches: --server=<url> --login=<user>:<password>.
  const switches = [];
  for (let i = 0; i < appArgs.length; i++) {
    if ((appArgs[i] === '--server' || appArgs[i] === '--login') && appArgs[i + 1] !== undefined) switches.push(`${appArgs[i]}=${appArgs[++i]}`);
    else switches.push(appArgs[i]);
  }
  startService({ name: 'Electron', command: binary, commandArgs: ['.', ...switches], env });
}

function startBrowserHost(appArgs) {
  const listening = /^CRM browser host listening on (\S+)$/;
  startService({
    name: 'the browser host',
    command: process.execPath,
    commandArgs: [fromRoot('dist', 'main', 'host.cjs'), ...appArgs],
    onStdoutLine(line) {
      const match = listening.exec(line);
      if (match) console.log(`Electron is not installed on this machine, so the CRM is served in your browser instead: ${match[1]}`);
      else console.log(line);
    },
  });
}

/**
 * The embedded sync server's folder: beside the app's own data (see src-main/host/app-paths.ts),
 * so a second `npm start` finds the same users, customers and change log.
 */
function embeddedServerDir() {
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Offline CRM', 'embedded-server');
  if (process.platform === 'win32') return path.join(process.env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Offline CRM', 'embedded-server');
  const config = process.env.XDG_CONFIG_HOME && path.isAbsolute(process.env.XDG_CONFIG_HOME) ? process.env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(config, 'offline-crm', 'embedded-server');
}

/** The first free port from `first` on, on the loopback interface. */
function freePort(first) {
  return new Promise((resolve, reject) => {
    const tryPort = (port) => {
      if (port > first + 20) return reject(new Error(`no free port from ${first} to ${first + 20}`));
      const probe = net.createServer();
      probe.once('error', () => tryPort(port + 1));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
    };
    tryPort(first);
  });
}

/**
 * Options of the launcher itself; the rest go to the app. `--server-data <dir>` keeps the embedded
 * server's data elsewhere; `--no-server` runs the app on its own replica, without a sync server.
 */
function launcherOptions(argv) {
  const rest = [];
  let serverData = null;
  let noServer = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-server') noServer = true;
    else if (argv[i] === '--server-data') serverData = argv[++i];
    else rest.push(argv[i]);
  }
  return { rest, serverData, noServer };
}

/** Prepares the embedded server (demo users, and demo customers unless --no-demo), then starts it. */
async function startEmbeddedServer(appArgs, serverData) {
  const dataDir = path.resolve(serverData ?? embeddedServerDir());
  const server = fromRoot('dist', 'server', 'crm-server.cjs');
  const demo = spawnSync(process.execPath, [server, 'demo', '--data', dataDir, '--json', ...(appArgs.includes('--no-demo') ? ['--no-data'] : [])], { cwd: root, encoding: 'utf8' });
  if (demo.status !== 0) {
    process.stderr.write(demo.stderr || demo.stdout);
    console.error('The embedded sync server could not be prepared.');
    process.exit(demo.status ?? 1);
  }
  const outcome = JSON.parse(demo.stdout);
  const port = await freePort(8787);
  const url = `http://127.0.0.1:${port}`;
  await new Promise((resolve) => {
    const service = startService({
      name: 'the sync server',
      command: process.execPath,
      commandArgs: [server, 'serve', '--data', dataDir, '--port', String(port), '--log-level', 'warn'],
      onStdoutLine(line) {
        // Its structured log goes on stdout; only warnings and errors are asked for.
        console.error(line);
      },
    });
    const poll = () => {
      if (service.exited) return;
      fetch(`${url}/health`).then(
        (res) => (res.ok ? resolve() : setTimeout(poll, 100)),
        () => setTimeout(poll, 100),
      );
    };
    poll();
  });
  console.log(`Embedded sync server (SQLite in ${dataDir}) at ${url}`);
  if (outcome.createdUsers) {
    console.log(`  first start: ${outcome.accounts} demo customers with ${outcome.contacts} contacts, ${outcome.opportunities ?? 0} deals, ${outcome.activities ?? 0} activities, ${outcome.tasks ?? 0} tasks`);
  }
  console.log('  demo users (all with password ' + outcome.users[0].password + '):');
  for (const u of outcome.users) console.log(`    ${u.username.padEnd(10)} ${u.role.padEnd(14)} ${u.name}`);
  console.log('  the app signs in as wangfang (a sales rep); sign out to try another user.');
  return { url, login: `wangfang:${outcome.users[0].password}` };
}

buildIfStale();
const { rest: appArgs, serverData, noServer } = launcherOptions(args);
const clientArgs = [...appArgs];
if (!noServer) {
  const embedded = await startEmbeddedServer(appArgs, serverData);
  clientArgs.push('--server', embedded.url, '--login', embedded.login);
}
const binary = electronBinary();
if (binary) startElectron(binary, clientArgs);
else startBrowserHost(clientArgs);
