import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { initialBounds, loadWindowState, MIN_SIZE } from '../../src-main/electron/window-state';
import { menuTemplate } from '../../src-main/electron/menu';
import { browserHostDataDir, userDataDir } from '../../src-main/host/app-paths';
import { DEFAULT_PORT, osLocale, parseHostArgs, UsageError } from '../../src-main/host/host-args';
import { originPolicy, refuseUpgrade } from '../../src-main/host/origin-policy';
import { answerWireFrame, leadingId, refuseMethod } from '../../src-main/host/wire-request';
import { ok } from '../../src-shared/result';

/**
 * The shells' decisions that need no process: argument parsing, data folders, who may connect,
 * request checks, window placement and the menu. The Electron parts import only electron's
 * types, so they run here although the Electron binary cannot.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-shell-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('host arguments', () => {
  it('defaults to loopback on 5173, moving on when taken, with demo data', () => {
    expect(parseHostArgs([])).toMatchObject({ host: '127.0.0.1', port: DEFAULT_PORT, portAttempts: 20, seedDemo: true, dataDir: null, locale: null });
  });

  it('takes an explicit port as final and resolves the data folder', () => {
    const args = parseHostArgs(['--port', '0', '--data', 'rel/dir', '--no-demo', '--locale', 'en-GB', '--allow-origin', 'http://localhost:5174']);
    expect(args).toMatchObject({ port: 0, portAttempts: 1, seedDemo: false, locale: 'en-GB', allowedOrigins: ['http://localhost:5174'] });
    expect(args.dataDir).toBe(path.resolve('rel/dir'));
  });

  it.each([[['--port', '70000']], [['--port', '-1']], [['--bogus']], [['--allow-origin', 'localhost:5174']], [['stray']]])('refuses %j', (argv) => {
    expect(() => parseHostArgs(argv)).toThrow(UsageError);
  });

  it('falls back from ICU to LANG to English for the OS locale', () => {
    // ICU follows LANG too; whatever it reports must be a usable tag, never `und`.
    expect(osLocale({ LANG: 'zh_CN.UTF-8' })).not.toBe('und');
    expect(osLocale({})).toMatch(/^[a-zA-Z]{2,3}(-|$)/);
  });
});

describe('user data folders', () => {
  const home = '/home/li';
  it('follows each OS convention', () => {
    expect(userDataDir({}, 'linux', home)).toBe(path.join(home, '.config', 'offline-crm'));
    expect(userDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', home)).toBe(path.join('/xdg', 'offline-crm'));
    expect(userDataDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', home)).toBe(path.join(home, '.config', 'offline-crm'));
    expect(userDataDir({}, 'darwin', home)).toBe(path.join(home, 'Library', 'Application Support', 'Offline CRM'));
    expect(userDataDir({ APPDATA: 'C:/Users/li/AppData/Roaming' }, 'win32', home)).toBe(path.join('C:/Users/li/AppData/Roaming', 'Offline CRM'));
  });

  it('keeps the browser host’s replica apart from the desktop app’s', () => {
    expect(browserHostDataDir({}, 'linux', home)).toBe(path.join(home, '.config', 'offline-crm', 'browser-host'));
  });
});

describe('who may open the API socket (policy)', () => {
  const loopback = originPolicy('127.0.0.1', 5173);
  it('accepts same-origin pages on loopback names and refuses the rest', () => {
    expect(refuseUpgrade(loopback, '127.0.0.1:5173', 'http://127.0.0.1:5173')).toBeNull();
    expect(refuseUpgrade(loopback, 'localhost:5173', 'http://localhost:5173')).toBeNull();
    expect(refuseUpgrade(loopback, '[::1]:5173', 'http://[::1]:5173')).toBeNull();
    expect(refuseUpgrade(loopback, '127.0.0.1:5173', 'http://localhost:5173')).toMatch(/Origin/);
    expect(refuseUpgrade(loopback, '127.0.0.1:5174', undefined)).toMatch(/port/);
    expect(refuseUpgrade(loopback, 'crm.example:5173', 'http://crm.example:5173')).toMatch(/not this server/);
    expect(refuseUpgrade(loopback, undefined, undefined)).toMatch(/missing Host/);
    expect(refuseUpgrade(loopback, 'a@127.0.0.1:5173', undefined)).toMatch(/malformed/);
  });

  it('on purpose bound to every interface, accepts any host name but still only same-origin pages', () => {
    const lan = originPolicy('0.0.0.0', 8080);
    expect(refuseUpgrade(lan, 'crm-pc.local:8080', 'http://crm-pc.local:8080')).toBeNull();
    expect(refuseUpgrade(lan, 'crm-pc.local:8080', 'http://other.local:8080')).toMatch(/Origin/);
  });

  it('lets an explicitly allowed dev server connect, also through its proxy', () => {
    const dev = originPolicy('127.0.0.1', 5174, ['http://localhost:5173/']);
    expect(refuseUpgrade(dev, '127.0.0.1:5174', 'http://localhost:5173')).toBeNull();
    expect(refuseUpgrade(dev, 'localhost:5173', 'http://localhost:5173')).toBeNull();
    expect(refuseUpgrade(dev, 'localhost:5175', 'http://localhost:5175')).not.toBeNull();
  });
});

describe('request checks', () => {
  const echo = async () => ok('called');

  it('reads a leading id from a frame it cannot parse, and nothing else', () => {
    expect(leadingId('{"id": 12, "method": "app.info", "inp')).toBe(12);
    expect(leadingId('{"method": "app.info", "id": 12}')).toBeNull();
    expect(leadingId('{"id": 1e5}')).toBeNull();
    expect(leadingId('garbage')).toBeNull();
  });

  it('tells a non-string method (BAD_REQUEST) from an unknown one (UNKNOWN_METHOD)', () => {
    expect(refuseMethod(3)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(refuseMethod('toString')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(refuseMethod('app.info')).toBeNull();
  });

  it('turns a transport that throws into an INTERNAL reply instead of a crash', async () => {
    const outcome = await answerWireFrame('{"id":3,"method":"app.info","input":{}}', 40, async () => {
      throw new Error('boom');
    });
    expect(outcome).toEqual({ reply: { id: 3, reply: { ok: false, error: { code: 'INTERNAL', message: 'call failed: boom' } } } });
  });

  it('forwards a valid frame and answers under its id', async () => {
    expect(await answerWireFrame('{"id":4,"method":"sync.status","input":{}}', 40, echo)).toEqual({ reply: { id: 4, reply: { ok: true, value: 'called' } } });
  });
});

describe('window placement', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('opens at the default size the first time and when the saved file is damaged', () => {
    expect(loadWindowState(path.join(tmp, 'none.json'))).toBeNull();
    const damaged = path.join(tmp, 'damaged.json');
    fs.writeFileSync(damaged, '{"bounds": {"x": "left"}');
    expect(loadWindowState(damaged)).toBeNull();
    expect(initialBounds(null, screen)).toEqual({ width: 1280, height: 800 });
  });

  it('restores position, size and maximised state, never below the minimum size', () => {
    const file = path.join(tmp, 'state.json');
    fs.writeFileSync(file, JSON.stringify({ bounds: { x: 100, y: 50, width: 300, height: 200 }, maximized: true }));
    const state = loadWindowState(file);
    expect(state).toEqual({ bounds: { x: 100, y: 50, width: MIN_SIZE.width, height: MIN_SIZE.height }, maximized: true });
    expect(initialBounds(state, screen)).toEqual({ x: 100, y: 50, width: MIN_SIZE.width, height: MIN_SIZE.height });
  });

  it('keeps the size but lets the OS place a window saved on a monitor that is gone', () => {
    const state = { bounds: { x: 2500, y: 100, width: 1200, height: 800 }, maximized: false };
    expect(initialBounds(state, screen)).toEqual({ width: 1200, height: 800 });
  });
});

describe('application menu', () => {
  const labels = (items: MenuItemConstructorOptions[]): string[] =>
    items.flatMap((i) => [i.label ?? '', ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]).filter(Boolean);
  const roles = (items: MenuItemConstructorOptions[]): string[] =>
    items.flatMap((i) => [i.role ?? '', ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]).filter(Boolean);
  const base = { platform: 'linux' as const, isPackaged: false, about: () => undefined };

  it('speaks the chosen language', () => {
    expect(labels(menuTemplate({ ...base, locale: 'zh-CN' })).slice(0, 4)).toEqual(['文件', '退出', '编辑', '撤销']);
    expect(labels(menuTemplate({ ...base, locale: 'en' })).slice(0, 4)).toEqual(['File', 'Quit', 'Edit', 'Undo']);
  });

  it('offers the standard edit roles and developer tools only in development', () => {
    const dev = roles(menuTemplate({ ...base, locale: 'en' }));
    expect(dev).toEqual(expect.arrayContaining(['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'reload', 'toggleDevTools', 'zoomIn']));
    expect(roles(menuTemplate({ ...base, locale: 'en', isPackaged: true }))).not.toContain('toggleDevTools');
  });

  it('puts About in Help, or in the app menu on macOS', () => {
    let shown = 0;
    const linux = menuTemplate({ ...base, locale: 'en', about: () => shown++ });
    const help = linux.at(-1)!;
    const about = (help.submenu as MenuItemConstructorOptions[])[0]!;
    expect(about.label).toBe('About Offline CRM');
    about.click?.(undefined as never, undefined as never, undefined as never);
    expect(shown).toBe(1);
    const mac = menuTemplate({ ...base, platform: 'darwin', locale: 'zh-CN' });
    expect(mac[0]!.label).toBe('离线客户管理');
    expect(roles([mac[0]!])).toEqual(expect.arrayContaining(['hide', 'quit']));
  });
});
