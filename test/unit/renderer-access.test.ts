import { describe, expect, it, vi } from 'vitest';
import type { AppInfo } from '../../src-shared/api/client-api.contract';
import { entities } from '../../src-shared/entities/index';
import { makeTranslator } from '../../src-renderer/i18n/use-t';
import { defaultRole, mergeRoles, type Access, type Role } from '../../src-shared/permissions/access';
import { buildColumnDefs } from '../../src-renderer/grid/columns';
import { currentAccess, hiddenFieldSet, pageAllowed, readonlyFieldSet, setKey, visibleFields } from '../../src-renderer/state/access';
import { reportError, useApp } from '../../src-renderer/state/app.store';
import { ApiError } from '../../src-shared/api/api-client';
import { en } from '../../src-shared/i18n/en';
import { zhCN } from '../../src-shared/i18n/zh-CN';

// The grid's columns read names through the renderer's client; no core here.
vi.mock('../../src-renderer/api/client', () => ({ api: {}, onCoreEvent: () => () => undefined }));

const accessOf = (change: (role: Role) => Role = (r) => r): Access => mergeRoles(['sales_rep'], [change(defaultRole('sales_rep'))]);
const rep = accessOf();
const restricted = accessOf((r) => ({
  ...r,
  pool: false,
  entities: { ...r.entities, task: undefined, opportunity: { actions: ['read'], scope: 'own' } },
  fields: { account: { email: 'hidden', phone: 'readonly' } },
}));

const info = (access: Access | null): AppInfo => ({ version: '1', schemaVersion: 1, locale: 'zh-CN', user: { id: 'u1', name: '王芳' }, dataDir: '/tmp', session: null, access });

describe('the access in the views', () => {
  it('knows the hidden and read-only fields of an entity, and none without an access', () => {
    expect([...hiddenFieldSet(restricted, 'account')]).toEqual(['email']);
    expect([...readonlyFieldSet(restricted, 'account')]).toEqual(['phone']);
    expect(hiddenFieldSet(restricted, 'contact').size).toBe(0);
    expect(hiddenFieldSet(null, 'account').size).toBe(0);
    expect(readonlyFieldSet(undefined, 'account').size).toBe(0);
    // An entity the roles cannot read at all shows none of its fields.
    expect(hiddenFieldSet(restricted, 'task')).toEqual(new Set(Object.keys(entities.task.fields)));
    // The same (empty) set object when nothing is hidden: no needless re-renders.
    expect(hiddenFieldSet(rep, 'account')).toBe(hiddenFieldSet(rep, 'contact'));
    expect(setKey(new Set(['b', 'a']))).toBe('a,b');
  });

  it('leaves hidden fields out of lists of fields', () => {
    const fields = [{ name: 'name' }, { name: 'email' }, { name: 'phone' }];
    expect(visibleFields(fields, hiddenFieldSet(restricted, 'account')).map((f) => f.name)).toEqual(['name', 'phone']);
    expect(visibleFields(fields, new Set())).toBe(fields);
  });

  it('offers only the views of modules the roles can read; the pool needs the pool permission', () => {
    expect(pageAllowed(null, 'pool')).toBe(true);
    expect(pageAllowed(rep, 'pool')).toBe(true);
    expect(pageAllowed(rep, 'myTasks')).toBe(true);
    expect(pageAllowed(restricted, 'pool')).toBe(false);
    expect(pageAllowed(restricted, 'myTasks')).toBe(false);
    expect(pageAllowed(restricted, 'pipeline')).toBe(true);
    expect(pageAllowed(restricted, 'adminUsers')).toBe(true);
  });

  it('builds no grid column for a hidden field, so the column chooser cannot offer it', () => {
    const t = makeTranslator('zh-CN');
    const all = buildColumnDefs('account', t).map((c) => c.colId);
    const shown = buildColumnDefs('account', t, undefined, hiddenFieldSet(restricted, 'account')).map((c) => c.colId);
    expect(all).toContain('email');
    expect(shown).not.toContain('email');
    expect(shown).toContain('phone');
    expect(shown.length).toBe(all.length - 1);
  });

  it('follows access events: the store keeps the latest beside the session', () => {
    const store = useApp.getState();
    store.setAccess(restricted);
    // No info yet (before the app has started): nothing to attach it to.
    expect(currentAccess()).toBeNull();
    store.setInfo(info(rep));
    expect(currentAccess()).toEqual(rep);
    useApp.getState().setAccess(restricted);
    expect(useApp.getState().info?.access).toEqual(restricted);
    expect(useApp.getState().info?.user.name).toBe('王芳');
    useApp.getState().setAccess(null);
    expect(currentAccess()).toBeNull();
  });

  it('says which permission refused a call, in the toast', () => {
    reportError(new ApiError({ code: 'FORBIDDEN', message: 'your roles do not allow you to delete account records', issues: [{ field: 'id', key: 'permission.delete' }] }));
    expect(useApp.getState().toasts.at(-1)?.message).toEqual({ key: 'permission.delete' });
    // Other refusals (the admin screens) keep their own words.
    reportError(new ApiError({ code: 'FORBIDDEN', message: 'only administrators may use the admin screens' }));
    expect(useApp.getState().toasts.at(-1)?.message).toEqual({ key: 'error.forbidden' });
  });

  it('has the read-only hint and every refusal the core and the server name, in both languages', () => {
    for (const key of ['permission.readonly', 'permission.readonlyHint', 'permission.fieldHidden', 'permission.fieldReadonly', 'permission.create', 'permission.delete', 'permission.export', 'permission.assign'] as const) {
      expect(zhCN[key]).toMatch(/\S/);
      expect(en[key]).toMatch(/\S/);
    }
    expect(zhCN['permission.readonly']).toBe('只读');
    expect(en['permission.readonly']).toBe('Read-only');
  });
});
