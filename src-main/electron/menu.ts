import type { MenuItemConstructorOptions } from 'electron';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/index';

/** The menu's labels live with the rest of the UI text, under `menu.*` in src-shared/i18n. */
export type MenuLabel = { [K in MessageKey]: K extends `menu.${infer L}` ? L : never }[MessageKey];

export function menuLabel(locale: Locale, key: MenuLabel, params?: Record<string, string>): string {
  return translate(locale, `menu.${key}`, params);
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
