import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { isLocale } from '../src-shared/i18n/index';
import { ApiError } from '../src-shared/api/api-client';
import { errorMessageKey } from '../src-shared/result';
import { api, connection, onCoreEvent } from './api/client';
import { forgetAllRefTitles, forgetRefTitles } from './api/ref-titles';
import { CommandPalette } from './components/CommandPalette';
import { Sidebar } from './components/Sidebar';
import { SyncAlert } from './components/SyncArea';
import { Toasts } from './components/Toasts';
import { TopBar } from './components/TopBar';
import { RecordFormDialog } from './forms/RecordFormDialog';
import { forgetGridPositions } from './grid/grid-memory';
import { useReminders } from './notify/use-reminders';
import { useT } from './i18n/use-t';
import { AccountDetailPage } from './pages/AccountDetailPage';
import { ConflictInboxPage } from './pages/ConflictInboxPage';
import { ContactDetailPage } from './pages/ContactDetailPage';
import { LoginScreen } from './pages/LoginPage';
import { RecordDetailPage } from './pages/RecordDetailPage';
import { RecordListPage } from './pages/RecordListPage';
import { FunnelPage } from './pages/FunnelPage';
import { MyTasksPage } from './pages/MyTasksPage';
import { PipelinePage } from './pages/PipelinePage';
import { PoolPage } from './pages/PoolPage';
import { AdminDevicesPage, AdminLoginsPage, AdminUsersPage } from './pages/AdminPages';
import { AdminDepartmentsPage, AdminRolesPage } from './pages/AdminOrgPages';
import { QuotePrintPage } from './pages/QuotePrintPage';
import { reportError, useApp } from './state/app.store';
import { loadDirectory } from './state/directory.store';
import { routeToHash, type PageName } from './state/routes';
import { refreshSession } from './sync/sync-actions';

type Boot = { status: 'loading' } | { status: 'ready' } | { status: 'failed'; message: string };

export function App() {
  const t = useT();
  const [boot, setBoot] = useState<Boot>({ status: 'loading' });
  const locale = useApp((s) => s.locale);

  const start = useCallback(() => {
    const { setInfo, setLocale, setSync } = useApp.getState();
    Promise.all([api['app.info']({}), api['sync.status']({})])
      .then(([info, sync]) => {
        setInfo(info);
        if (isLocale(info.locale)) setLocale(info.locale);
        setSync(sync);
        setBoot({ status: 'ready' });
        void loadDirectory();
      })
      .catch((error: unknown) => {
        console.error(error);
        setBoot({ status: 'failed', message: error instanceof ApiError ? errorMessageKey(error.code) : 'error.internal' });
      });
  }, []);

  useEffect(() => {
    const off = connection.onState((state, reconnected) => {
      useApp.getState().setConnection(state, reconnected);
      if (reconnected) {
        // Events were missed meanwhile: the status and the session with the user's access.
        refreshSession().catch(reportError);
        void loadDirectory();
      }
    });
    useApp.getState().setConnection(connection.initialState, false);
    return off;
  }, []);

  useEffect(() => {
    // The last sync state other than 'syncing': a cycle on a live connection goes online → syncing → online.
    let settled: string | undefined;
    const off = onCoreEvent((event) => {
      const store = useApp.getState();
      switch (event.type) {
        case 'sync': {
          const wasSignedOut = store.sync?.state === 'signedOut';
          store.setSync(event.status);
          // Signing in or out changes who the session user is, and whose colleagues the directory lists.
          const signedInOrOut = store.sync !== null && wasSignedOut !== (event.status.state === 'signedOut');
          if (signedInOrOut) refreshSession().catch(reportError);
          // The core fetches the directory on each new connection (online after offline): new colleagues.
          const reconnected = event.status.state === 'online' && settled !== 'online';
          if (event.status.state !== 'syncing') settled = event.status.state;
          if (signedInOrOut || reconnected) void loadDirectory();
          break;
        }
        case 'changed':
          forgetRefTitles(event.entity, event.ids);
          break;
        case 'conflicts':
          store.setOpenConflicts(event.open);
          break;
        case 'access':
          store.setAccess(event.access);
          break;
        case 'reset':
          // Another replica: every cached name, list position and loaded view belongs to the old one.
          forgetAllRefTitles();
          forgetGridPositions();
          store.reloadViews();
          refreshSession().catch(reportError);
          void loadDirectory();
          break;
        default: {
          const exhaustive: never = event;
          console.error('unknown core event', exhaustive);
        }
      }
    });
    start();
    return off;
  }, [start]);

  const retry = () => {
    setBoot({ status: 'loading' });
    start();
  };

  useEffect(() => {
    const onHash = () => useApp.getState().syncRouteFromHash();
    window.addEventListener('hashchange', onHash);
    window.addEventListener('popstate', onHash);
    if (!location.hash) history.replaceState(null, '', routeToHash(useApp.getState().route));
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('popstate', onHash);
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        const { paletteOpen, form, setPaletteOpen } = useApp.getState();
        if (!form) setPaletteOpen(!paletteOpen);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('app.name');
  }, [locale, t]);

  if (boot.status === 'loading') {
    return (
      <div className="splash" data-testid="app-loading">
        <span className="spinner" aria-hidden="true" />
        {t('app.loading')}
      </div>
    );
  }
  if (boot.status === 'failed') {
    return (
      <div className="splash splash-error" role="alert" data-testid="app-failed">
        <p>{t.dyn(boot.message)}</p>
        <button type="button" className="btn btn-primary" onClick={retry}>
          {t('common.retry')}
        </button>
      </div>
    );
  }
  return <Shell />;
}

const pages: Record<PageName, () => ReactNode> = {
  pipeline: () => <PipelinePage />,
  funnel: () => <FunnelPage />,
  myTasks: () => <MyTasksPage />,
  pool: () => <PoolPage />,
  adminUsers: () => <AdminUsersPage />,
  adminDepartments: () => <AdminDepartmentsPage />,
  adminRoles: () => <AdminRolesPage />,
  adminDevices: () => <AdminDevicesPage />,
  adminLogins: () => <AdminLoginsPage />,
};

function Shell() {
  const route = useApp((s) => s.route);
  const paletteOpen = useApp((s) => s.paletteOpen);
  const form = useApp((s) => s.form);
  const connectionState = useApp((s) => s.connection);
  const t = useT();

  const sync = useApp((s) => s.sync);
  const signedIn = !(sync?.state === 'signedOut' || sync?.initial);
  useReminders(signedIn);

  if (!signedIn) {
    return (
      <>
        <LoginScreen />
        <Toasts />
      </>
    );
  }

  let page;
  if (route.view === 'conflicts') page = <ConflictInboxPage />;
  else if (route.view === 'page') page = pages[route.page]();
  else if (route.view === 'print') page = <QuotePrintPage key={route.id} id={route.id} />;
  else if (route.view === 'list') page = <RecordListPage key={route.entity} entity={route.entity} />;
  else if (route.entity === 'account') page = <AccountDetailPage key={route.id} id={route.id} />;
  else if (route.entity === 'contact') page = <ContactDetailPage key={route.id} id={route.id} />;
  else page = <RecordDetailPage key={`${route.entity}:${route.id}`} entity={route.entity} id={route.id} />;

  return (
    <div className="app">
      <Sidebar />
      <div className="main">
        <TopBar />
        {connectionState === 'closed' && (
          <div className="banner banner-warning" role="alert" data-testid="disconnected-banner">
            <span className="spinner spinner-small" aria-hidden="true" />
            {t('error.disconnected')}
          </div>
        )}
        <SyncAlert />
        <main className="content">{page}</main>
      </div>
      {paletteOpen && <CommandPalette />}
      {form && <RecordFormDialog key={form.record?.id ?? `new-${form.entity}`} request={form} />}
      <Toasts />
    </div>
  );
}
