import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This file's folder, whether run from source (tsx, ESM) or from a CommonJS bundle. */
const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));

/**
 * The checkout (or installed app) the CLI runs from: the nearest folder above this file holding
 * the client migrations, so the CLI works from any current directory and from a bundle.
 */
export function appRoot(from: string = here): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'migrations', 'client', 'meta', '_journal.json'))) return dir;
  }
  throw new Error(`cannot find migrations/client above ${from}`);
}

export function migrationsDir(root: string): string {
  return path.join(root, 'migrations', 'client');
}

/** The version in package.json beside the migrations; the replica records which app wrote it. */
export function appVersion(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
