import { create } from 'zustand';
import type { AppInfo, RecordData, SyncStatus } from '../../src-shared/api/client-api.contract';
import type { EntityName } from '../../src-shared/entities/index';
import type { Access } from '../../src-shared/permissions/access';
import { isMessageKey, pickLocale, type Locale, type MessageKey } from '../../src-shared/i18n/index';
import { errorMessageKey } from '../../src-shared/result';
import { ApiError } from '../../src-shared/api/api-client';
import type { ConnectionState } from '../api/ws-transport';
import { defaultRoute, parseHash, routeToHash, sameRoute, type Route } from './routes';

export interface ToastMessage {
  key: MessageKey;
  params?: Record<string, string | number>;
}

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  message: ToastMessage;
  action?: { label: MessageKey; run: () => void };
  /** How long it stays; an undo toast stays long enough to notice and reach for the button. */
  timeoutMs: number;
}

/** What the create/edit dialog is opened with. */
export interface FormRequest {
  entity: EntityName;
  /** Present when editing. */
  record?: RecordData;
  /** Prefilled values when creating (the account of a new contact). */
  defaults?: Record<string, unknown>;
  /** Titles of prefilled references, so the picker shows a name instead of an id. */
  refTitles?: Record<string, string>;
  /** Go to the new record's page once it is created. */
  openAfterCreate?: boolean;
}

interface AppState {
  locale: Locale;
  info: AppInfo | null;
  route: Route;
  connection: ConnectionState;
  /**
   * Bumped when the connection comes back (events were missed) and when the core replaced the
   * replica (first sync, sign-out): views reload what they show.
   */
  dataEpoch: number;
  sync: SyncStatus | null;
  toasts: Toast[];
  paletteOpen: boolean;
  form: FormRequest | null;

  setInfo(info: AppInfo): void;
  /** The user's permissions changed (an `access` event): kept in `info` beside the session. */
  setAccess(access: Access | null): void;
  setLocale(locale: Locale): void;
  navigate(route: Route, options?: { replace?: boolean }): void;
  syncRouteFromHash(): void;
  setConnection(state: ConnectionState, reconnected: boolean): void;
  setSync(status: SyncStatus): void;
  /** The open-conflict count pushed by the core between status updates. */
  setOpenConflicts(open: number): void;
  /** The replica was replaced: every view reloads what it shows. */
  reloadViews(): void;
  pushToast(toast: Omit<Toast, 'id' | 'timeoutMs'> & { timeoutMs?: number }): number;
  dismissToast(id: number): void;
  setPaletteOpen(open: boolean): void;
  openForm(request: FormRequest): void;
  closeForm(): void;
}

let nextToastId = 1;

export const useApp = create<AppState>()((set, get) => ({
  locale: pickLocale(typeof navigator === 'undefined' ? null : navigator.language),
  info: null,
  route: typeof location === 'undefined' ? defaultRoute : parseHash(location.hash),
  connection: 'connecting',
  dataEpoch: 0,
  sync: null,
  toasts: [],
  paletteOpen: false,
  form: null,

  setInfo: (info) => set({ info }),
  setAccess: (access) => set((s) => (s.info ? { info: { ...s.info, access } } : {})),
  setLocale: (locale) => set({ locale }),
  navigate: (route, options) => {
    if (sameRoute(route, get().route)) return;
    const hash = routeToHash(route);
    if (options?.replace) history.replaceState(null, '', hash);
    else history.pushState(null, '', hash);
    set({ route });
  },
  syncRouteFromHash: () => {
    const route = parseHash(location.hash);
    if (!sameRoute(route, get().route)) set({ route });
  },
  setConnection: (state, reconnected) => set((s) => ({ connection: state, dataEpoch: reconnected ? s.dataEpoch + 1 : s.dataEpoch })),
  setSync: (sync) => set({ sync }),
  setOpenConflicts: (open) => set((s) => (s.sync ? { sync: { ...s.sync, conflicts: open } } : {})),
  reloadViews: () => set((s) => ({ dataEpoch: s.dataEpoch + 1 })),
  pushToast: (toast) => {
    const id = nextToastId++;
    const timeoutMs = toast.timeoutMs ?? (toast.kind === 'error' ? 7000 : 3500);
    // Keep the stack short: the newest few are what matter.
    set((s) => ({ toasts: [...s.toasts.slice(-3), { ...toast, id, timeoutMs }] }));
    return id;
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  openForm: (form) => set({ form }),
  closeForm: () => set({ form: null }),
}));

/** Shows a failed call to the user in their language; unexpected errors are logged for support. */
export function reportError(error: unknown): void {
  if (error instanceof ApiError) {
    if (error.code === 'INTERNAL') console.error(error);
    // A refusal by the user's roles says which (permission.delete, permission.fieldReadonly, ...).
    const reason = error.code === 'FORBIDDEN' ? error.issues?.[0]?.key : undefined;
    const key = reason && isMessageKey(reason) ? reason : errorMessageKey(error.code);
    useApp.getState().pushToast({ kind: 'error', message: { key: isMessageKey(key) ? key : 'error.internal' } });
    return;
  }
  console.error(error);
  useApp.getState().pushToast({ kind: 'error', message: { key: 'error.internal' } });
}
