import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Folder name of the app's user data on Linux (lower case, as XDG tools expect). */
const LINUX_DIR = 'offline-crm';
/** Folder name on macOS and Windows, where users see it in Finder / Explorer. */
const PRODUCT_DIR = 'Offline CRM';

/**
 * The project root in development. Every main-side bundle sits in dist/main and every source
 * file of this folder in src-main/host: both are two levels below the root.
 */
export function appRoot(fromDir: string = __dirname): string {
  return path.resolve(fromDir, '..', '..');
}

/** The client migrations shipped beside the app (extraResources when packaged). */
export function migrationsDir(root: string = appRoot()): string {
  return path.join(root, 'migrations', 'client');
}

/** The built renderer (Vite output). */
export function rendererDir(root: string = appRoot()): string {
  return path.join(root, 'dist', 'renderer');
}

/** The app version from package.json; the bundles do not inline it so one build serves all. */
export function appVersion(root: string = appRoot()): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/**
 * The OS user-data folder of the app, without electron: ~/.config/offline-crm (or
 * $XDG_CONFIG_HOME) on Linux, ~/Library/Application Support/Offline CRM on macOS,
 * %APPDATA%\Offline CRM on Windows.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', PRODUCT_DIR);
    case 'win32':
      return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), PRODUCT_DIR);
    default:
      // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
      return path.join(env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config'), LINUX_DIR);
  }
}

/** The browser host keeps its own replica, apart from the Electron app's. */
export function browserHostDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  return path.join(userDataDir(env, platform, home), 'browser-host');
}
