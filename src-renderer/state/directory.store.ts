import { create } from 'zustand';
import { api } from '../api/client';
import { reportError, useApp } from './app.store';
import { translate } from '../../src-shared/i18n/index';
import { POOL_OWNER } from '../../src-shared/sales/pool.rules';
import { indexUsers, type DirectoryUser, type UserLookup } from './directory';

interface DirectoryState {
  users: DirectoryUser[];
  byId: Map<string, DirectoryUser>;
  /** The first answer has arrived (until then names show as '…' rather than ids). */
  loaded: boolean;
}

/**
 * The sync server's users, for owner names and the owner picker. Loaded at start, after sign-in,
 * when a connection is made (the core fetches the directory on each one) and after a reset.
 */
export const useDirectory = create<DirectoryState>()(() => ({ users: [], byId: new Map(), loaded: false }));

let latest = 0;

/** Asks the core again; an older answer arriving after a newer one is dropped. */
export async function loadDirectory(): Promise<void> {
  const mine = ++latest;
  try {
    const { users } = await api['directory.list']({});
    if (mine !== latest) return;
    const before = useDirectory.getState();
    // Asked again on every reconnect: the same list must not re-render every name on screen.
    if (before.loaded && JSON.stringify(before.users) === JSON.stringify(users)) return;
    // The pool and the server's rules own records too: their names, though nobody can pick them.
    const locale = useApp.getState().locale;
    const builtIn = [
      { id: POOL_OWNER, name: translate(locale, 'pool.owner'), username: POOL_OWNER, role: 'pool', department: null, active: true },
      { id: 'system', name: translate(locale, 'user.system'), username: 'system', role: 'system', department: null, active: true },
    ];
    useDirectory.setState({ users, byId: indexUsers([...builtIn, ...users]), loaded: true });
  } catch (error) {
    if (mine === latest) reportError(error);
  }
}

/** The lookup as of now, for code outside React (grid cells, the conflict inbox's view builder). */
export const lookupUser: UserLookup = (id) => useDirectory.getState().byId.get(id);

/** A lookup that re-renders the component when the directory changes. */
export function useUserLookup(): UserLookup {
  const byId = useDirectory((s) => s.byId);
  // A new function per directory, so memoized views that take it recompute when names arrive.
  return lookupFor(byId);
}

const lookups = new WeakMap<Map<string, DirectoryUser>, UserLookup>();
function lookupFor(byId: Map<string, DirectoryUser>): UserLookup {
  let lookup = lookups.get(byId);
  if (!lookup) {
    lookup = (id) => byId.get(id);
    lookups.set(byId, lookup);
  }
  return lookup;
}
