import type { EntityName } from '../../src-shared/entities/index';
import type { MessageKey } from '../../src-shared/i18n/index';
import { can } from '../../src-shared/permissions/access';
import { useT } from '../i18n/use-t';
import { pageAllowed, useAccess } from '../state/access';
import { useApp } from '../state/app.store';
import { entityText } from '../state/entity-text';
import { adminPages, listHash, pageHash, routeEntity, type PageName } from '../state/routes';
import { Icon, entityIcon } from './icons';

/** The modules, grouped as a sales team works: customers, the deal flow, daily work, setup. */
const groups: { label: MessageKey; pages?: PageName[]; entities: EntityName[] }[] = [
  { label: 'nav.group.customers', entities: ['account', 'contact', 'lead'], pages: ['pool'] },
  { label: 'nav.group.sales', pages: ['pipeline', 'funnel'], entities: ['opportunity', 'quote', 'order', 'contract', 'payment_plan', 'payment'] },
  { label: 'nav.group.work', pages: ['myTasks'], entities: ['activity', 'task'] },
  { label: 'nav.group.setup', entities: ['product', 'competitor', 'stage', 'pool_rule'] },
];

const pageLabel: Record<PageName, MessageKey> = {
  pipeline: 'nav.pipeline',
  funnel: 'nav.funnel',
  myTasks: 'nav.myTasks',
  pool: 'nav.pool',
  adminUsers: 'nav.adminUsers',
  adminDepartments: 'nav.adminDepartments',
  adminRoles: 'nav.adminRoles',
  adminDevices: 'nav.adminDevices',
  adminLogins: 'nav.adminLogins',
};

/** A view that is not one module's list (the pipeline, my tasks, ...). */
function PageLink({ page }: { page: PageName }) {
  const t = useT();
  const active = useApp((s) => s.route.view === 'page' && s.route.page === page);
  const navigate = useApp((s) => s.navigate);
  return (
    <li>
      <a
        href={pageHash(page)}
        className={`nav-item${active ? ' is-active' : ''}`}
        aria-current={active ? 'page' : undefined}
        data-testid={`nav-page-${page}`}
        onClick={(e) => {
          e.preventDefault();
          navigate({ view: 'page', page });
        }}
      >
        <Icon name={page} size={17} />
        <span>{t(pageLabel[page])}</span>
      </a>
    </li>
  );
}

export function Sidebar() {
  const t = useT();
  const route = useApp((s) => s.route);
  const navigate = useApp((s) => s.navigate);
  const version = useApp((s) => s.info?.version);
  const access = useAccess();
  return (
    <nav className="sidebar" aria-label={t('nav.modules')}>
      <div className="brand">
        <div className="brand-mark" aria-hidden="true">
          CRM
        </div>
        <span className="brand-name">{t('app.name')}</span>
      </div>
      <div className="nav-scroll">
        {groups.map((group) => {
          // Modules the user's roles cannot read are not offered (their records are not on the device).
          const pages = (group.pages ?? []).filter((page) => pageAllowed(access, page));
          const readable = group.entities.filter((entity) => can(access, entity, 'read'));
          if (pages.length === 0 && readable.length === 0) return null;
          return (
            <div key={group.label} className="nav-group" role="group" aria-labelledby={`nav-group-${group.label}`}>
              <div className="nav-group-label" id={`nav-group-${group.label}`}>
                {t(group.label)}
              </div>
              <ul className="nav-list">
                {group.label !== 'nav.group.customers' && pages.map((page) => <PageLink key={page} page={page} />)}
                {readable.map((entity) => {
                  const active = routeEntity(route) === entity;
                  return (
                    <li key={entity}>
                      <a
                        href={listHash(entity)}
                        className={`nav-item${active ? ' is-active' : ''}`}
                        aria-current={active ? 'page' : undefined}
                        data-testid={`nav-${entity}`}
                        onClick={(e) => {
                          e.preventDefault();
                          navigate({ view: 'list', entity });
                        }}
                      >
                        <Icon name={entityIcon[entity]} size={17} />
                        <span>{t(entityText[entity].nav)}</span>
                      </a>
                    </li>
                  );
                })}
                {group.label === 'nav.group.customers' && pages.map((page) => <PageLink key={page} page={page} />)}
              </ul>
            </div>
          );
        })}
        <AdminNav />
        <ConflictsNav />
      </div>
      {version && <div className="sidebar-footer">{t('app.version', { version })}</div>}
    </nav>
  );
}

/** 管理: users, devices and sign-ins, offered only to a signed-in administrator (the server checks too). */
function AdminNav() {
  const t = useT();
  // The roles' admin flag once the server sent the access (custom roles may have it), else the built-in role.
  const isAdmin = useApp((s) => s.info?.access?.admin ?? s.info?.session?.role === 'admin');
  if (!isAdmin) return null;
  return (
    <div className="nav-group" role="group" aria-labelledby="nav-group-admin" data-testid="nav-group-admin">
      <div className="nav-group-label" id="nav-group-admin">
        {t('nav.group.admin')}
      </div>
      <ul className="nav-list">
        {adminPages.map((page) => (
          <PageLink key={page} page={page} />
        ))}
      </ul>
    </div>
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
