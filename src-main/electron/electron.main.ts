import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, screen, session, shell, type WebContents } from 'electron';
import { isLocale, pickLocale, translate, type Locale } from '../../src-shared/i18n/index';
import { CrmError, errorMessageKey } from '../../src-shared/result';
import { startCoreWorker, type CoreClient } from '../core/worker/core-client';
import { appRoot, migrationsDir } from '../host/app-paths';
import { createLogger } from '../host/log';
import { APP_URL, handleAppProtocol, isAppUrl, registerAppScheme } from './app-protocol';
import { routeIpc } from './ipc-router';
import { replicaKeyFromKeychain } from './replica-keychain';
import { menuLabel, menuTemplate } from './menu';
import { MIN_SIZE, initialBounds, loadWindowState, saveWindowState } from './window-state';

/**
 * The Electron shell: one window showing the renderer, the core in a worker thread, IPC between
 * them. Deliberately thin: everything the user does goes through the same client API the browser
 * host serves, so the Chromium tests through the host cover all but window chrome.
 */
process.setSourceMapsEnabled(true);

const log = createLogger({ name: 'electron' });
/** Bundles sit in dist/main; the renderer beside them in dist/renderer (inside app.asar when packaged). */
const rendererRoot = path.join(__dirname, '..', 'renderer');
const preloadFile = path.join(__dirname, 'preload.cjs');
/** The UI setting the renderer writes when the user picks a language. */
const LOCALE_SETTING = 'ui.locale';

let core: CoreClient | null = null;
let mainWindow: BrowserWindow | null = null;
let locale: Locale = 'en';
let coreClosed = false;

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // Two processes must never open one replica: the first instance takes over.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => confine(contents));
  app.on('window-all-closed', () => {
    // macOS apps stay open without windows; `activate` brings one back.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core && !mainWindow && app.isReady()) mainWindow = createMainWindow();
  });
  app.on('will-quit', (event) => {
    if (coreClosed || !core) return;
    // The replica's WAL is checkpointed on close; quit only once the core has finished.
    event.preventDefault();
    const closing = core;
    core = null;
    void closing.close().finally(() => {
      coreClosed = true;
      app.quit();
    });
  });
  start().catch((error: unknown) => {
    log.error('start failed', { error: String((error as Error)?.stack ?? error) });
    app.exit(1);
  });
}

function loginSwitch(value: string): { username: string; password: string } | undefined {
  const at = value.indexOf(':');
  return at > 0 ? { username: value.slice(0, at), password: value.slice(at + 1) } : undefined;
}

async function start(): Promise<void> {
  await app.whenReady();
  if (process.platform === 'win32') app.setAppUserModelId('com.offlinecrm.desktop');
  denyPermissions();
  handleAppProtocol(rendererRoot);

  const client = startCoreWorker({
    dataDir: app.getPath('userData'),
    migrationsDir: app.isPackaged ? path.join(process.resourcesPath, 'migrations', 'client') : migrationsDir(appRoot(__dirname)),
    // Demo customers belong in development copies, not in a user's real replica.
    seedDemo: !app.isPackaged || app.commandLine.hasSwitch('demo'),
    osLocale: app.getLocale(),
    appVersion: app.getVersion(),
    // IT sets the server with --server=<url> in the shortcut; `npm start` adds --login for its demo.
    syncServer: app.commandLine.getSwitchValue('server') || undefined,
    autoLogin: loginSwitch(app.commandLine.getSwitchValue('login')),
    replicaKey: replicaKeyFromKeychain(app.getPath('userData'), (message) => log.warn(message)),
  });
  try {
    await client.ready;
  } catch (error) {
    showStartFailure(error);
    // The worker has already exited on a start-up failure: nothing left to close.
    app.exit(1);
    return;
  }
  core = client;
  client.onExit((code) => {
    const uiLocale = pickLocale(app.getLocale());
    dialog.showErrorBox(translate(uiLocale, 'app.name'), translate(uiLocale, 'error.coreStopped', { code }));
    app.exit(1);
  });

  routeIpc({
    core: client,
    window: () => mainWindow,
    // Every write the renderer makes passes through here, so a language change is seen the
    // moment it is saved, without polling the setting or a core event for settings.
    afterCall: (method, input) => {
      if (method !== 'settings.set' || typeof input !== 'object' || input === null) return;
      const { key, value } = input as { key?: unknown; value?: unknown };
      if (key === LOCALE_SETTING && isLocale(value) && value !== locale) setMenuLocale(value);
    },
  });

  const saved = await client.invoke('settings.get', { key: LOCALE_SETTING });
  setMenuLocale(saved.ok && isLocale(saved.value) ? saved.value : pickLocale(app.getLocale()));
  mainWindow = createMainWindow();
}

function setMenuLocale(next: Locale): void {
  locale = next;
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ locale, platform: process.platform, isPackaged: app.isPackaged, about: showAbout })));
}

function createMainWindow(): BrowserWindow {
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const saved = loadWindowState(stateFile);
  const window = new BrowserWindow({
    ...initialBounds(saved, screen.getAllDisplays().map((d) => d.workArea)),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: translate(locale, 'app.name'),
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  if (saved?.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => saveWindowState(stateFile, window));
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.webContents.on('render-process-gone', (_event, details) => log.error('renderer gone', { reason: details.reason, exitCode: details.exitCode }));
  void window.loadURL(APP_URL);
  return window;
}

/**
 * Every web contents stays on the app's own pages: no new windows, no navigation elsewhere, no
 * <webview>. Web links the user clicks open in the OS browser; other schemes are dropped.
 */
function confine(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url);
    return { action: 'deny' };
  });
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openInBrowser(url);
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function openInBrowser(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return;
  }
  if (protocol === 'http:' || protocol === 'https:') void shell.openExternal(url);
  else log.warn('blocked navigation', { url: url.slice(0, 200) });
}

/** The CRM needs no camera, location or notifications; the clipboard write backs "copy" buttons. */
function denyPermissions(): void {
  const allowed = new Set(['clipboard-sanitized-write']);
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => callback(allowed.has(permission) && isAppUrl(contents.getURL())));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowed.has(permission) && isAppUrl(requestingOrigin));
}

function showAbout(): void {
  const options = {
    type: 'info' as const,
    title: `${menuLabel(locale, 'about')} ${translate(locale, 'app.name')}`,
    message: translate(locale, 'app.name'),
    detail: menuLabel(locale, 'version', { version: app.getVersion() }),
    buttons: [menuLabel(locale, 'ok')],
  };
  void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
}

/** A replica the core cannot open: say why in the user's language, then the technical detail. */
function showStartFailure(error: unknown): void {
  const uiLocale = pickLocale(app.getLocale());
  const code = error instanceof CrmError ? error.code : 'DB_OPEN_FAILED';
  const detail = error instanceof Error ? error.message : String(error);
  log.error('core failed to start', { code, error: detail });
  dialog.showErrorBox(translate(uiLocale, 'app.name'), `${translate(uiLocale, errorMessageKey(code))}\n\n${detail}`);
}
