import type { MenuItemConstructorOptions } from 'electron';
import { translate, type Locale } from '../../src-shared/i18n/index';

/**
 * The application menu's labels. They belong in src-shared/i18n with the rest of the UI text;
 * they live here until those resources gain `menu.*` keys (see the shell's report), kept in the
 * same two locales so the menu always matches the language the user picked.
 */
const menuLabels = {
  'zh-CN': {
    file: '文件',
    quit: '退出',
    edit: '编辑',
    undo: '撤销',
    redo: '重做',
    cut: '剪切',
    copy: '复制',
    paste: '粘贴',
    selectAll: '全选',
    view: '视图',
    reload: '重新加载',
    toggleDevTools: '开发者工具',
    resetZoom: '实际大小',
    zoomIn: '放大',
    zoomOut: '缩小',
    toggleFullScreen: '全屏',
    window: '窗口',
    minimize: '最小化',
    zoom: '缩放',
    front: '前置全部窗口',
    close: '关闭窗口',
    help: '帮助',
    about: '关于',
    hide: '隐藏',
    hideOthers: '隐藏其他',
    unhide: '全部显示',
    services: '服务',
    version: '版本 {version}',
    ok: '确定',
  },
  en: {
    file: 'File',
    quit: 'Quit',
    edit: 'Edit',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select All',
    view: 'View',
    reload: 'Reload',
    toggleDevTools: 'Developer Tools',
    resetZoom: 'Actual Size',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    toggleFullScreen: 'Full Screen',
    window: 'Window',
    minimize: 'Minimize',
    zoom: 'Zoom',
    front: 'Bring All to Front',
    close: 'Close Window',
    help: 'Help',
    about: 'About',
    hide: 'Hide',
    hideOthers: 'Hide Others',
    unhide: 'Show All',
    services: 'Services',
    version: 'Version {version}',
    ok: 'OK',
  },
} satisfies Record<Locale, Record<string, string>>;

export type MenuLabel = keyof (typeof menuLabels)['en'];

export function menuLabel(locale: Locale, key: MenuLabel, params?: Record<string, string>): string {
  const text: string = menuLabels[locale][key];
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => params[name] ?? m) : text;
}

export interface MenuContext {
  locale: Locale;
  platform: NodeJS.Platform;
  /** Developer tools are offered only in development builds. */
  isPackaged: boolean;
  /** Shows the About box (the caller owns dialogs and the window). */
  about(): void;
}

/**
 * The application menu as a template; Menu.buildFromTemplate turns it into the menu. Standard
 * actions use roles, so the OS supplies behaviour and accelerators, and our labels replace the
 * roles' built-in English ones.
 */
export function menuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const l = (key: MenuLabel) => menuLabel(ctx.locale, key);
  const appName = translate(ctx.locale, 'app.name');
  const isMac = ctx.platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: `${l('about')} ${appName}`, click: () => ctx.about() };

  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    // macOS puts About, Hide and Quit in the menu named after the app.
    template.push({
      label: appName,
      submenu: [
        about,
        { type: 'separator' },
        { role: 'services', label: l('services') },
        { type: 'separator' },
        { role: 'hide', label: `${l('hide')} ${appName}` },
        { role: 'hideOthers', label: l('hideOthers') },
        { role: 'unhide', label: l('unhide') },
        { type: 'separator' },
        { role: 'quit', label: `${l('quit')} ${appName}` },
      ],
    });
  }
  template.push(
    { label: l('file'), submenu: isMac ? [{ role: 'close', label: l('close') }] : [{ role: 'quit', label: l('quit') }] },
    {
      label: l('edit'),
      submenu: [
        { role: 'undo', label: l('undo') },
        { role: 'redo', label: l('redo') },
        { type: 'separator' },
        { role: 'cut', label: l('cut') },
        { role: 'copy', label: l('copy') },
        { role: 'paste', label: l('paste') },
        { type: 'separator' },
        { role: 'selectAll', label: l('selectAll') },
      ],
    },
    {
      label: l('view'),
      submenu: [
        { role: 'reload', label: l('reload') },
        ...(ctx.isPackaged ? [] : [{ role: 'toggleDevTools', label: l('toggleDevTools') } satisfies MenuItemConstructorOptions]),
        { type: 'separator' },
        { role: 'resetZoom', label: l('resetZoom') },
        { role: 'zoomIn', label: l('zoomIn') },
        { role: 'zoomOut', label: l('zoomOut') },
        { type: 'separator' },
        { role: 'togglefullscreen', label: l('toggleFullScreen') },
      ],
    },
    {
      label: l('window'),
      submenu: isMac
        ? [{ role: 'minimize', label: l('minimize') }, { role: 'zoom', label: l('zoom') }, { type: 'separator' }, { role: 'front', label: l('front') }]
        : [{ role: 'minimize', label: l('minimize') }, { role: 'close', label: l('close') }],
    },
    { role: 'help', label: l('help'), submenu: isMac ? [] : [about] },
  );
  return template;
}
