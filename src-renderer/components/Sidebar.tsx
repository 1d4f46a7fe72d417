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
          const active = route.entity === entity;
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
      {version && <div className="sidebar-footer">{t('app.version', { version })}</div>}
    </nav>
  );
}
