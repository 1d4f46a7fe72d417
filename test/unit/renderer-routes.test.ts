import { describe, expect, it } from 'vitest';
import { entityNames } from '../../src-shared/entities/index';
import { adminPages, defaultRoute, listHash, pageHash, pageNames, parseHash, routeEntity, routeToHash } from '../../src-renderer/state/routes';

describe('renderer hash routes', () => {
  it('reads the module lists and record pages', () => {
    expect(parseHash('#/accounts')).toEqual({ view: 'list', entity: 'account' });
    expect(parseHash('#/contacts')).toEqual({ view: 'list', entity: 'contact' });
    expect(parseHash('#/accounts/0192-abc')).toEqual({ view: 'detail', entity: 'account', id: '0192-abc' });
  });

  it('falls back to the accounts list for an empty or unknown hash', () => {
    expect(parseHash('')).toEqual(defaultRoute);
    expect(parseHash('#/nowhere/1')).toEqual(defaultRoute);
  });

  it('writes what it reads', () => {
    for (const hash of ['#/accounts', '#/contacts', '#/contacts/01a2%2F05']) expect(routeToHash(parseHash(hash))).toBe(hash);
  });

  it('has a list and record pages for every entity, each under its own segment', () => {
    const seen = new Set<string>();
    for (const entity of entityNames) {
      const list = routeToHash({ view: 'list', entity });
      expect(list).toBe(listHash(entity));
      expect(seen.has(list), list).toBe(false);
      seen.add(list);
      expect(parseHash(list)).toEqual({ view: 'list', entity });
      expect(parseHash(`${list}/0192-x`)).toEqual({ view: 'detail', entity, id: '0192-x' });
    }
    expect(parseHash('#/payment-plans')).toEqual({ view: 'list', entity: 'payment_plan' });
    expect(parseHash('#/opportunities/o1')).toEqual({ view: 'detail', entity: 'opportunity', id: 'o1' });
  });

  it('reads and writes the views that are not one module (pipeline, my tasks, pool) and print views', () => {
    for (const page of pageNames) {
      expect(parseHash(pageHash(page))).toEqual({ view: 'page', page });
      expect(routeToHash({ view: 'page', page })).toBe(pageHash(page));
    }
    expect(parseHash('#/my-tasks')).toEqual({ view: 'page', page: 'myTasks' });
    expect(parseHash('#/quotes/q%2F1/print')).toEqual({ view: 'print', entity: 'quote', id: 'q/1' });
    expect(routeToHash({ view: 'print', entity: 'quote', id: 'q/1' })).toBe('#/quotes/q%2F1/print');
    expect(routeEntity({ view: 'print', entity: 'quote', id: 'q1' })).toBe('quote');
    expect(routeEntity({ view: 'page', page: 'pipeline' })).toBeNull();
  });

  it('reads and writes the admin pages under #/admin/, and sends an unknown admin page to the default', () => {
    expect(parseHash('#/admin/users')).toEqual({ view: 'page', page: 'adminUsers' });
    expect(parseHash('#/admin/devices')).toEqual({ view: 'page', page: 'adminDevices' });
    expect(parseHash('#/admin/logins')).toEqual({ view: 'page', page: 'adminLogins' });
    expect(parseHash('#/admin/departments')).toEqual({ view: 'page', page: 'adminDepartments' });
    expect(parseHash('#/admin/roles')).toEqual({ view: 'page', page: 'adminRoles' });
    expect(routeToHash({ view: 'page', page: 'adminDevices' })).toBe('#/admin/devices');
    for (const page of adminPages) expect(routeToHash(parseHash(pageHash(page)))).toBe(pageHash(page));
    expect(parseHash('#/admin')).toEqual(defaultRoute);
    expect(parseHash('#/admin/nothing')).toEqual(defaultRoute);
    // A one-segment page still reads with something after it, as before.
    expect(parseHash('#/pool/x')).toEqual({ view: 'page', page: 'pool' });
  });
});
