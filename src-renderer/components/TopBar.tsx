import { useEffect, useRef, useState } from 'react';
import { locales, type Locale, type MessageKey } from '../../src-shared/i18n/index';
import { api } from '../api/client';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { roleLabel } from '../sync/sync-text';
import { Icon } from './icons';
import { useSignOut } from './SignOut';
import { SyncStatusArea } from './SyncArea';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function TopBar() {
  const t = useT();
  const setPaletteOpen = useApp((s) => s.setPaletteOpen);
  return (
    <header className="topbar">
      <button type="button" className="global-search" onClick={() => setPaletteOpen(true)} data-testid="global-search">
        <Icon name="search" />
        <span className="global-search-placeholder">{t('search.placeholder')}</span>
        <kbd>{isMac ? '⌘K' : 'Ctrl K'}</kbd>
      </button>
      <div className="topbar-right">
        <SyncStatusArea />
        <UserMenu />
      </div>
    </header>
  );
}

/** Each language is named in itself, whatever the current one (the same text in both resources). */
const localeNames: Record<Locale, MessageKey> = { 'zh-CN': 'locale.zh-CN', en: 'locale.en' };

function UserMenu() {
  const t = useT();
  const info = useApp((s) => s.info);
  const sync = useApp((s) => s.sync);
  const locale = useApp((s) => s.locale);
  const setLocale = useApp((s) => s.setLocale);
  const [open, setOpen] = useState(false);
  const signOut = useSignOut();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const choose = (next: Locale) => {
    setOpen(false);
    if (next === locale) return;
    setLocale(next);
    api['settings.set']({ key: 'ui.locale', value: next }).catch(reportError);
  };

  const session = info?.session ?? null;
  const signedIn = session !== null || (sync !== null && sync.state !== 'local' && sync.state !== 'signedOut');
  const name = session?.name ?? info?.user.name ?? '';
  return (
    <div className="popover-anchor" ref={box}>
      <button type="button" className="user-button" onClick={() => setOpen((o) => !o)} aria-haspopup="menu" aria-expanded={open} data-testid="user-menu">
        <span className="avatar avatar-small" aria-hidden="true">
          {(Array.from(name)[0] ?? '?').toUpperCase()}
        </span>
        <span className="user-name" data-testid="user-name">
          {name}
        </span>
        <Icon name="chevronDown" size={14} />
      </button>
      {open && (
        <div className="popover popover-right user-popover" role="menu">
          <div className="user-popover-head">
            <div className="user-popover-name">{name}</div>
            {session ? (
              <div className="user-popover-meta" data-testid="user-session">
                <span className="user-role">{roleLabel(t, session.role)}</span>
                <span>{session.username}</span>
              </div>
            ) : (
              <div className="user-popover-meta">{t('user.localAccount')}</div>
            )}
            {info && <div className="user-popover-meta">{t('app.version', { version: info.version })}</div>}
          </div>
          <div className="popover-section-title">
            <Icon name="globe" size={14} />
            {t('user.language')}
          </div>
          {locales.map((l) => (
            <button key={l} type="button" role="menuitemradio" aria-checked={l === locale} className="menu-item" onClick={() => choose(l)} data-testid={`lang-${l}`}>
              <span className="menu-check">{l === locale && <Icon name="check" size={14} />}</span>
              {t(localeNames[l])}
            </button>
          ))}
          {signedIn && (
            <div className="menu-separator">
              <button
                type="button"
                role="menuitem"
                className="menu-item"
                onClick={() => {
                  setOpen(false);
                  signOut.start();
                }}
                disabled={signOut.busy}
                data-testid="sign-out"
              >
                <span className="menu-check">
                  <Icon name="logOut" size={14} />
                </span>
                {signOut.busy ? t('user.signingOut') : t('user.signOut')}
              </button>
            </div>
          )}
          {info && (
            <div className="user-popover-foot" title={info.dataDir}>
              <Icon name="database" size={12} />
              <span className="data-dir">{info.dataDir}</span>
            </div>
          )}
        </div>
      )}
      {signOut.dialog}
    </div>
  );
}
