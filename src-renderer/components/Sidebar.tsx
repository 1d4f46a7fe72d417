import type { EntityName } from '../../src-shared/entities/index';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/app.store';
import { entityText } from '../state/entity-text';
import { Icon, type IconName } from './icons';

const modules: { entity: EntityName; icon: IconName }[] = [
  { entity: 'account', icon: 'accounts' },
  { entity: 'contact', icon: 'contacts' },
];

export function Sidebar() {
  const t = useT();
  const route = useApp((s) => s.route);
  const navigate = useApp((s) => s.navigate);
  const version = useApp((s) => s.info?.version);
  return (
    <nav className="sidebar" aria-label={t('nav.modules')}>
      <div className="brand">
        <div className="brand-mark" aria-hidden="true">
          CRM
        </div>
        <span className="brand-name">{t('app.name')}</span>
      </div>
      <ul className="nav-list">
        {modules.map(({ entity, icon }) => {
          const active = route.view !== 'conflicts' && route.entity === entity;
          return (
            <li key={entity}>
              <a
                href={`#/${entity === 'account' ? 'accounts' : 'contacts'}`}
                className={`nav-item${active ? ' is-active' : ''}`}
                aria-current={active ? 'page' : undefined}
                data-testid={`nav-${entity}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate({ view: 'list', entity });
                }}
              >
                <Icon name={icon} size={18} />
                <span>{t(entityText[entity].nav)}</span>
              </a>
            </li>
          );
        })}
      </ul>
      <ConflictsNav />
      {version && <div className="sidebar-footer">{t('app.version', { version })}</div>}
    </nav>
  );
}

/**
 * The conflict inbox, with the number of entries waiting. Working only on this computer there is
 * nothing to conflict with, so the entry appears once the device syncs (or entries exist).
 */
function ConflictsNav() {
  const t = useT();
  const active = useApp((s) => s.route.view === 'conflicts');
  const navigate = useApp((s) => s.navigate);
  const state = useApp((s) => s.sync?.state ?? 'local');
  const open = useApp((s) => s.sync?.conflicts ?? 0);
  if (state === 'local' && open === 0 && !active) return null;
  return (
    <ul className="nav-list nav-list-secondary">
      <li>
        <a
          href="#/conflicts"
          className={`nav-item${active ? ' is-active' : ''}`}
          aria-current={active ? 'page' : undefined}
          data-testid="nav-conflicts"
          onClick={(e) => {
            e.preventDefault();
            navigate({ view: 'conflicts' });
          }}
        >
          <Icon name="merge" size={18} />
          <span>{t('nav.conflicts')}</span>
          {open > 0 && (
            <span className="nav-badge" data-testid="nav-conflicts-count" aria-label={t('conflict.count', { count: open })}>
              {open > 99 ? '99+' : open}
            </span>
          )}
        </a>
      </li>
    </ul>
  );
}
