import type { MethodOutput } from '../../src-shared/api/client-api.contract';
import { isMessageKey } from '../../src-shared/i18n/index';
import type { Translator } from '../i18n/use-t';

/**
 * The sync server's users as the UI uses them: names for owner / created-by / updated-by ids, and
 * the people a record can be handed to. Pure functions over the `directory.list` answer, so they
 * are tested without a page; the store that loads it is directory.store.ts.
 */
export type DirectoryUser = MethodOutput<'directory.list'>['users'][number];

/** id → user; undefined for an id the directory does not know (a removed user, an old local id). */
export type UserLookup = (id: string) => DirectoryUser | undefined;

export function indexUsers(users: readonly DirectoryUser[]): Map<string, DirectoryUser> {
  return new Map(users.map((u) => [u.id, u]));
}

/** The person's name; the raw id only when the directory does not know it; '' for no id. */
export function userName(lookup: UserLookup, id: unknown): string {
  if (typeof id !== 'string' || id === '') return '';
  const user = lookup(id);
  return user && user.name.trim() !== '' ? user.name : id;
}

/** The role in words; null for a role this version has no label for (the local, not signed-in user). */
export function roleText(t: Translator, role: string): string | null {
  const key = `role.${role}`;
  return isMessageKey(key) ? t(key) : null;
}

/** "销售代表 · 华东销售部": what a hover over a name adds; '' when there is nothing to add. */
export function userDetail(t: Translator, user: DirectoryUser | undefined): string {
  if (!user) return '';
  const parts = [roleText(t, user.role), user.department && user.department.trim() !== '' ? user.department : null];
  if (!user.active) parts.push(t('owner.inactive'));
  return parts.filter((p): p is string => p !== null).join(' · ');
}

/** A name with its hover text, for the places that show a user id. */
export function userView(t: Translator, lookup: UserLookup, id: unknown): { name: string; title: string } {
  const name = userName(lookup, id);
  const user = typeof id === 'string' ? lookup(id) : undefined;
  const detail = userDetail(t, user);
  return { name, title: detail === '' ? (user ? '' : name) : `${name} · ${detail}` };
}

/** Roles that see every record; the others see only what they own (docs/sync-protocol.md, Visibility). */
const seeAllRoles = new Set(['admin', 'sales_manager', 'service_manager']);

/**
 * Whether handing a record to `newOwnerId` takes it off this device at the next sync: the signed-in
 * user sees only their own records and gives one away. Not signed in: the record stays.
 */
export function leavesMyReplica(me: { id: string; role: string } | null, newOwnerId: string): boolean {
  if (!me) return false;
  return newOwnerId !== me.id && !seeAllRoles.has(me.role);
}

/**
 * The people a record can be handed to: active users, in name order (pinyin order in zh-CN), the
 * current owner included so the list shows who has it now. `query` matches name, user name,
 * department or role label.
 */
export function ownerCandidates(users: readonly DirectoryUser[], t: Translator, query = ''): DirectoryUser[] {
  const q = query.trim().toLowerCase();
  const collator = new Intl.Collator(t.locale === 'zh-CN' ? 'zh-CN' : 'en');
  return users
    .filter((u) => u.active)
    .filter((u) => {
      if (q === '') return true;
      const hay = [u.name, u.username, u.department ?? '', roleText(t, u.role) ?? u.role].join('\n').toLowerCase();
      return hay.includes(q);
    })
    .sort((a, b) => collator.compare(a.name, b.name) || a.username.localeCompare(b.username));
}

/** Someone other than the current owner to hand the record to exists. */
export function canReassign(users: readonly DirectoryUser[], currentOwnerId: unknown): boolean {
  return users.some((u) => u.active && u.id !== currentOwnerId);
}

/**
 * Fills `{name}` placeholders of a translated template with nodes (a name with a hover title
 * instead of plain text). Returns the pieces in order: text between placeholders and the values.
 */
export function interpolate<N>(template: string, values: Record<string, N>): (string | N)[] {
  const out: (string | N)[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const name = m[1] ?? '';
    if (!Object.hasOwn(values, name)) continue;
    if (m.index > last) out.push(template.slice(last, m.index));
    out.push(values[name] as N);
    last = m.index + m[0].length;
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}
