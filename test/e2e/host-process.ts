import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Shared by the Chromium end-to-end files: start the browser host on a fresh replica, and Chromium. */
export const ROOT = path.resolve(__dirname, '../..');
export const HOST_BUNDLE = path.join(ROOT, 'dist', 'main', 'host.cjs');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
const READY_LINE = /CRM browser host listening on (http:\/\/\S+)/;
/** Generous: a first start migrates the replica and, with demo data, seeds it. */
const START_TIMEOUT_MS = 60_000;

export interface RunningHost {
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Stops the host by its pid, waits for it to exit and removes its data directory (unless kept). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * A browser host on a fresh replica (or `dataDir`); with `server` and `login` it signs itself in to
 * that sync server the way `npm start` does.
 */
export async function startHost(options: { demo: boolean; locale: string; dataDir?: string; port?: number; server?: string; login?: { username: string; password: string } }): Promise<RunningHost> {
  if (!fs.existsSync(HOST_BUNDLE)) throw new Error(`${path.relative(ROOT, HOST_BUNDLE)} is missing: run \`npm run build\` first`);
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `crm-e2e-${options.login?.username ?? 'local'}-`));
  const args = [HOST_BUNDLE, '--port', String(options.port ?? 0), '--data', dataDir, '--locale', options.locale, ...(options.demo ? [] : ['--no-demo'])];
  if (options.server) args.push('--server', options.server);
  if (options.login) args.push('--login', `${options.login.username}:${options.login.password}`);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (stopOptions?: { keepData?: boolean }) => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (!stopOptions?.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`host printed no ready line within ${START_TIMEOUT_MS} ms\n${stderr}`)), START_TIMEOUT_MS);
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const m = READY_LINE.exec(stdout);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`host exited with code ${code} before it was ready\n${stderr}`));
      });
    });
    return { url, dataDir, process: child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

/** Closes the toasts, so a screenshot shows the page itself. */
export async function dismissToasts(page: Page): Promise<void> {
  const close = page.getByTestId('toast-close');
  while ((await close.count()) > 0) await close.first().click();
}

/** The page as the user sees it, toasts closed, saved under test-results/screenshots/<name>. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await dismissToasts(page);
  await page.screenshot({ path: screenshotPath(name), ...options });
}

/**
 * A new page on a host that signs itself in to a sync server, once its sync status reads online;
 * errors thrown in the page are collected in `pageErrors`.
 */
export async function openOnline(browser: Browser, url: string, pageErrors: string[], viewport = { width: 1280, height: 860 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  await page.locator('[data-testid="sync-status"][data-state="online"]').waitFor({ timeout: 30_000 });
  return page;
}
