import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { MethodOutput } from '../../src-shared/api/client-api.contract';
import type { AdminDepartment, AdminDevice, AdminLoginEntry, AdminRole, AdminUser } from '../../src-shared/sync/protocol.contract';
import { ApiError } from '../../src-shared/api/api-client';
import { errorMessageKey } from '../../src-shared/result';
import { api } from '../api/client';
import { canRevoke, deviceGroups, deviceStatus, deviceStatusTone, outcomeTone, userStatuses, type DeviceSort } from '../admin/admin-view';
import { departmentPath, roleLabel } from '../admin/admin-org-view';
import { UserEditDialog } from '../admin/UserEditDialog';
import { roleText } from '../state/directory';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Icon } from '../components/icons';
import { formatDateTime } from '../format/field-format';
import { formatTimeAgo } from '../format/relative-time';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { useNow } from '../state/use-now';
import '../styles/admin.css';

/**
 * Whether the signed-in user administers: their roles' admin flag once the server sent their
 * access (a custom role may have it), else the built-in admin role. The server checks the same.
 */
export function useIsAdmin(): boolean {
  return useApp((s) => s.info?.access?.admin ?? s.info?.session?.role === 'admin');
}

export type Load<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'offline' } | { status: 'forbidden' } | { status: 'failed'; reason: string };

/**
 * One admin question to the server, asked again when the connection comes back and on `reload`.
 * Like a record's history, the answers live on the server only: offline the page says so.
 */
export function useAdminQuery<T>(ask: () => Promise<T>): [Load<T>, () => void, (value: T) => void] {
  const t = useT();
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [epoch, setEpoch] = useState(0);
  const online = useApp((s) => s.sync?.state === 'online');
  // An answer older than the latest request is dropped (a reload and a reconnect can overlap).
  const request = useRef(0);
  useEffect(() => {
    const mine = ++request.current;
    ask().then(
      (value) => {
        if (mine === request.current) setState({ status: 'ready', value });
      },
      (error: unknown) => {
        if (mine !== request.current) return;
        if (error instanceof ApiError && error.code === 'SERVER_REQUIRED') setState({ status: 'offline' });
        else if (error instanceof ApiError && error.code === 'FORBIDDEN') setState({ status: 'forbidden' });
        else setState({ status: 'failed', reason: error instanceof ApiError ? t.dyn(errorMessageKey(error.code)) : t('error.internal') });
      },
    );
  }, [ask, online, epoch, t]);
  const reload = useCallback(() => setEpoch((n) => n + 1), []);
  const replace = useCallback((value: T) => {
    request.current++;
    setState({ status: 'ready', value });
  }, []);
  return [state, reload, replace];
}

/** What every admin page shows instead of its content: loading, offline, refused, failed. */
export function AdminState({ state }: { state: Load<unknown> }) {
  const t = useT();
  if (state.status === 'loading') return <div className="card card-message">{t('common.loading')}</div>;
  if (state.status === 'offline') {
    return (
      <div className="card card-message admin-offline" data-testid="admin-offline">
        <Icon name="cloudOff" size={18} />
        {t('admin.offline')}
      </div>
    );
  }
  if (state.status === 'forbidden') return <AdminForbidden />;
  if (state.status === 'failed') {
    return (
      <div className="card card-message" data-testid="admin-failed">
        {t('admin.failed', { reason: state.reason })}
      </div>
    );
  }
  return null;
}

function AdminForbidden() {
  const t = useT();
  return (
    <div className="empty-state" data-testid="admin-forbidden">
      <div className="empty-illustration" aria-hidden="true">
        <Icon name="lock" size={40} />
      </div>
      <h2>{t('admin.forbidden.title')}</h2>
      <p>{t('admin.forbidden.body')}</p>
    </div>
  );
}

/** The page frame; someone who is not an administrator (a typed-in address) reads why there is nothing here. */
export function AdminPage({ testId, title, count, actions, children }: { testId: string; title: string; count?: string | undefined; actions?: ReactNode; children: ReactNode }) {
  const isAdmin = useIsAdmin();
  return (
    <section className="page admin-page" data-testid={testId}>
      <header className="page-header">
        <div className="page-title">
          <h1>{title}</h1>
          {isAdmin && count && <span className="page-count">{count}</span>}
        </div>
        {isAdmin && actions && <div className="toolbar">{actions}</div>}
      </header>
      {isAdmin ? children : <AdminForbidden />}
    </section>
  );
}

export function RefreshButton({ onClick }: { onClick: () => void }) {
  const t = useT();
  return (
    <button type="button" className="btn" onClick={onClick} data-testid="admin-refresh">
      <Icon name="refresh" size={15} />
      {t('admin.refresh')}
    </button>
  );
}

/** A past moment as "3 分钟前" with the full date and time beside it. */
function When({ at, now }: { at: number | null; now: number }) {
  const t = useT();
  if (at === null) return <span className="admin-muted">{t('admin.never')}</span>;
  const ago = formatTimeAgo(at, now, t);
  const exact = formatDateTime(at, t.locale);
  return (
    <span className="admin-when" title={exact}>
      <span>{ago}</span>
      {ago !== exact && <span className="admin-muted admin-when-exact">{exact}</span>}
    </span>
  );
}

// --- 用户 ------------------------------------------------------------------------------------

export function AdminUsersPage() {
  const t = useT();
  const isAdmin = useIsAdmin();
  const ask = useCallback(() => (isAdmin ? api['admin.users']({}) : Promise.resolve({ users: [] })), [isAdmin]);
  const [state, reloadUsers, replaceUsers] = useAdminQuery(ask);
  // Roles and departments: names for the table and the choices of the edit dialog.
  const askOrg = useCallback(
    () =>
      isAdmin
        ? Promise.all([api['admin.roles']({}), api['admin.departments']({})]).then(([r, d]) => ({ roles: r.roles, departments: d.departments }))
        : Promise.resolve({ roles: [] as AdminRole[], departments: [] as AdminDepartment[] }),
    [isAdmin],
  );
  const [orgState, reloadOrg] = useAdminQuery(askOrg);
  const org = orgState.status === 'ready' ? orgState.value : null;
  const reload = useCallback(() => {
    reloadUsers();
    reloadOrg();
  }, [reloadUsers, reloadOrg]);
  const now = useNow(60_000);
  const [unlocking, setUnlocking] = useState<AdminUser | null>(null);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [busy, setBusy] = useState(false);
  const users = state.status === 'ready' ? state.value.users : [];
  const locked = users.filter((u) => u.lockedAt !== null).length;
  const rolesText = (u: AdminUser) =>
    u.roles
      .map((code) => {
        const role = org?.roles.find((r) => r.code === code);
        return role ? roleLabel(t, role) : (roleText(t, code) ?? code);
      })
      .join(t('common.listSeparator'));

  const unlock = async (user: AdminUser) => {
    setBusy(true);
    try {
      const done = await api['admin.unlockUser']({ userId: user.id });
      useApp.getState().pushToast({ kind: 'success', message: { key: done.unlocked ? 'admin.unlock.done' : 'admin.unlock.notLocked', params: { name: user.name } } });
      setUnlocking(null);
      reload();
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };

  const count =
    state.status === 'ready' ? [t('admin.users.count', { count: users.length }), locked > 0 ? t('admin.users.lockedCount', { count: locked }) : null].filter(Boolean).join(' · ') : undefined;
  return (
    <AdminPage testId="admin-users-page" title={t('admin.users.title')} count={count} actions={<RefreshButton onClick={reload} />}>
      <AdminState state={state} />
      {state.status === 'ready' && (
        <div className="card admin-table-card">
          <table className="admin-table" data-testid="admin-users">
            <thead>
              <tr>
                <th>{t('admin.col.user')}</th>
                <th>{t('admin.col.role')}</th>
                <th>{t('admin.col.department')}</th>
                <th>{t('admin.col.manager')}</th>
                <th>{t('admin.col.status')}</th>
                <th>{t('admin.col.lastSignIn')}</th>
                <th className="admin-actions-col" aria-label={t('admin.unlock')} />
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-testid="admin-user-row" data-username={u.username} className={u.lockedAt !== null ? 'is-locked' : undefined}>
                  <td>
                    <div className="admin-person">
                      <span className="avatar avatar-small" aria-hidden="true">
                        {u.name.slice(0, 1)}
                      </span>
                      <span>
                        <span className="admin-name">{u.name}</span>
                        <span className="admin-muted admin-username">{u.username}</span>
                      </span>
                    </div>
                  </td>
                  <td data-testid="admin-user-roles-cell">{rolesText(u)}</td>
                  <td data-testid="admin-user-department-cell">
                    {u.departmentId === null ? <span className="admin-muted">—</span> : org ? departmentPath(u.departmentId, org.departments) || u.department : u.department}
                  </td>
                  <td>{u.managerName ?? <span className="admin-muted">—</span>}</td>
                  <td>
                    <span className="admin-badges" data-testid="admin-user-status">
                      {userStatuses(u).map((s) => (
                        <span key={s} className={`badge badge-tone-${s === 'active' ? 'success' : s === 'locked' ? 'danger' : 'muted'}`}>
                          {s === 'locked' && <Icon name="lock" size={12} />}
                          {t(s === 'active' ? 'admin.user.active' : s === 'locked' ? 'admin.user.locked' : 'admin.user.disabled')}
                        </span>
                      ))}
                      {u.lockedAt !== null && <span className="admin-muted admin-since">{t('admin.user.lockedSince', { date: formatDateTime(u.lockedAt, t.locale) })}</span>}
                    </span>
                  </td>
                  <td>
                    <When at={u.lastSignInAt} now={now} />
                  </td>
                  <td className="admin-actions-col">
                    <span className="admin-row-actions">
                      {u.lockedAt !== null && (
                        <button type="button" className="btn btn-small btn-primary" onClick={() => setUnlocking(u)} data-testid="admin-unlock">
                          {t('admin.unlock')}
                        </button>
                      )}
                      <button type="button" className="btn btn-small" onClick={() => setEditing(u)} disabled={!org} data-testid="admin-user-edit">
                        <Icon name="edit" size={13} />
                        {t('adminOrg.user.edit')}
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {unlocking && (
        <ConfirmDialog
          title={t('admin.unlock.title', { name: unlocking.name })}
          confirmLabel={t('admin.unlock')}
          busy={busy}
          onConfirm={() => void unlock(unlocking)}
          onCancel={() => setUnlocking(null)}
          testId="admin-unlock-confirm"
        >
          <p>{t('admin.unlock.body', { name: unlocking.name, username: unlocking.username })}</p>
        </ConfirmDialog>
      )}
      {editing && org && (
        <UserEditDialog
          user={editing}
          users={users}
          departments={org.departments}
          roles={org.roles}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            replaceUsers({ users: users.map((u) => (u.id === saved.id ? saved : u)) });
            reloadOrg();
          }}
        />
      )}
    </AdminPage>
  );
}

// --- 设备 ------------------------------------------------------------------------------------

export function AdminDevicesPage() {
  const t = useT();
  const isAdmin = useIsAdmin();
  const ask = useCallback(() => (isAdmin ? api['admin.devices']({}) : Promise.resolve({ devices: [] })), [isAdmin]);
  const [state, reload] = useAdminQuery(ask);
  const now = useNow(60_000);
  const [sort, setSort] = useState<DeviceSort>('user');
  const [revoking, setRevoking] = useState<AdminDevice | null>(null);
  const [busy, setBusy] = useState(false);
  const devices = state.status === 'ready' ? state.value.devices : [];
  const groups = deviceGroups(devices, sort, t.locale);

  const revoke = async (device: AdminDevice) => {
    setBusy(true);
    try {
      await api['admin.revokeDevice']({ deviceId: device.id });
      useApp.getState().pushToast({ kind: 'success', message: { key: 'admin.revoke.done', params: { device: device.name } } });
      setRevoking(null);
      reload();
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };

  const actions = (
    <>
      <div className="segmented" role="group" aria-label={t('admin.devices.sort')}>
        {(['user', 'lastSeen'] as const).map((s) => (
          <button key={s} type="button" className={sort === s ? 'is-active' : undefined} aria-pressed={sort === s} onClick={() => setSort(s)} data-testid={`admin-sort-${s}`}>
            {t(s === 'user' ? 'admin.devices.sort.user' : 'admin.devices.sort.lastSeen')}
          </button>
        ))}
      </div>
      <RefreshButton onClick={reload} />
    </>
  );
  return (
    <AdminPage testId="admin-devices-page" title={t('admin.devices.title')} count={state.status === 'ready' ? t('admin.devices.count', { count: devices.length }) : undefined} actions={actions}>
      <AdminState state={state} />
      {state.status === 'ready' && (
        <div className="card admin-table-card">
          <table className="admin-table" data-testid="admin-devices">
            <thead>
              <tr>
                <th>{t('admin.col.device')}</th>
                {sort === 'lastSeen' && <th>{t('admin.col.user')}</th>}
                <th>{t('admin.col.created')}</th>
                <th>{t('admin.col.lastSeen')}</th>
                <th>{t('admin.col.status')}</th>
                <th className="admin-actions-col" aria-label={t('admin.revoke')} />
              </tr>
            </thead>
            {groups.map((group) => (
              <tbody key={group.user?.id ?? 'all'}>
                {group.user && (
                  <tr className="admin-group-row">
                    <th colSpan={5} scope="rowgroup">
                      {group.user.name} <span className="admin-muted admin-username">{group.user.username}</span>
                    </th>
                  </tr>
                )}
                {group.devices.map((d) => {
                  const status = deviceStatus(d);
                  return (
                    <tr key={d.id} data-testid="admin-device-row" data-username={d.username} data-status={status}>
                      <td>
                        <span className="admin-device-name">
                          <Icon name="adminDevices" size={15} />
                          {d.name}
                          {d.current && <span className="chip chip-small">{t('admin.device.current')}</span>}
                        </span>
                      </td>
                      {sort === 'lastSeen' && <td>{d.userName}</td>}
                      <td>
                        <span className="admin-muted">{formatDateTime(d.createdAt, t.locale)}</span>
                      </td>
                      <td>
                        <When at={d.lastSeenAt ?? d.createdAt} now={now} />
                      </td>
                      <td>
                        <span className={`badge badge-tone-${deviceStatusTone[status]}`} data-testid="admin-device-status">
                          {t(status === 'active' ? 'admin.device.active' : status === 'revoked' ? 'admin.device.revoked' : 'admin.device.expired')}
                        </span>
                      </td>
                      <td className="admin-actions-col">
                        {d.current ? (
                          <span className="admin-muted admin-self" title={t('admin.revoke.self')} data-testid="admin-revoke-self">
                            {t('admin.revoke.selfShort')}
                          </span>
                        ) : (
                          canRevoke(d) && (
                            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(d)} data-testid="admin-revoke">
                              {t('admin.revoke')}
                            </button>
                          )
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            ))}
          </table>
          {devices.some((d) => d.current) && <p className="admin-footnote">{t('admin.revoke.self')}</p>}
        </div>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('admin.revoke.title', { device: revoking.name })}
          confirmLabel={t('admin.revoke')}
          danger
          busy={busy}
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(null)}
          testId="admin-revoke-confirm"
        >
          <p>{t('admin.revoke.body', { user: revoking.userName })}</p>
        </ConfirmDialog>
      )}
    </AdminPage>
  );
}

// --- 登录记录 --------------------------------------------------------------------------------

type LoginsPage = MethodOutput<'admin.logins'>;
const LOGINS_PAGE = 50;

export function AdminLoginsPage() {
  const t = useT();
  const isAdmin = useIsAdmin();
  const ask = useCallback((): Promise<LoginsPage> => (isAdmin ? api['admin.logins']({ limit: LOGINS_PAGE }) : Promise.resolve({ entries: [], nextBefore: null })), [isAdmin]);
  const [state, reload, replace] = useAdminQuery(ask);
  const [loadingMore, setLoadingMore] = useState(false);

  const loadMore = async () => {
    if (state.status !== 'ready' || state.value.nextBefore === null) return;
    setLoadingMore(true);
    try {
      const page = await api['admin.logins']({ before: state.value.nextBefore, limit: LOGINS_PAGE });
      replace({ entries: [...state.value.entries, ...page.entries], nextBefore: page.nextBefore });
    } catch (error) {
      reportError(error);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <AdminPage testId="admin-logins-page" title={t('admin.logins.title')} count={state.status === 'ready' ? t('admin.logins.hint') : undefined} actions={<RefreshButton onClick={reload} />}>
      <AdminState state={state} />
      {state.status === 'ready' && state.value.entries.length === 0 && (
        <div className="card card-message" data-testid="admin-logins-empty">
          {t('admin.logins.empty')}
        </div>
      )}
      {state.status === 'ready' && state.value.entries.length > 0 && (
        <div className="card admin-table-card">
          <table className="admin-table" data-testid="admin-logins">
            <thead>
              <tr>
                <th>{t('admin.col.time')}</th>
                <th>{t('admin.col.username')}</th>
                <th>{t('admin.col.outcome')}</th>
                <th>{t('admin.col.address')}</th>
                <th>{t('admin.col.device')}</th>
              </tr>
            </thead>
            <tbody>
              {state.value.entries.map((e) => (
                <LoginRow key={e.id} entry={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {state.status === 'ready' && state.value.nextBefore !== null && (
        <button type="button" className="btn admin-more" onClick={() => void loadMore()} disabled={loadingMore} data-testid="admin-logins-more">
          {loadingMore ? t('common.loading') : t('admin.logins.loadMore')}
        </button>
      )}
    </AdminPage>
  );
}

function LoginRow({ entry }: { entry: AdminLoginEntry }) {
  const t = useT();
  return (
    <tr data-testid="admin-login-row" data-outcome={entry.outcome}>
      <td>
        <span className="admin-nowrap">{formatDateTime(entry.at, t.locale)}</span>
      </td>
      <td>{entry.username}</td>
      <td>
        <span className={`badge badge-tone-${outcomeTone(entry.outcome)}`}>{t.dyn(`admin.outcome.${entry.outcome}`)}</span>
      </td>
      <td>{entry.address === 'cli' ? t('admin.address.cli') : (entry.address ?? <span className="admin-muted">—</span>)}</td>
      <td>{entry.deviceName ?? <span className="admin-muted">—</span>}</td>
    </tr>
  );
}
