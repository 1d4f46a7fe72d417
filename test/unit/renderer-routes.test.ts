import { describe, expect, it } from 'vitest';
import { defaultRoute, parseHash, routeToHash } from '../../src-renderer/state/routes';

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
});
