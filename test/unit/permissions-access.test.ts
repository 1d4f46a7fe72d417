import { describe, expect, it } from 'vitest';
import { entityNames } from '../../src-shared/entities/index';
import { can, completeRole, defaultRole, fieldAccess, mergeRoles, roleIssues, scopeOwners, type OrgDepartment, type OrgUser, type Role } from '../../src-shared/permissions/access';

const depts: OrgDepartment[] = [
  { id: 'sales', parentId: null },
  { id: 'east', parentId: 'sales' },
  { id: 'hz', parentId: 'east' },
  { id: 'south', parentId: 'sales' },
  { id: 'it', parentId: null },
];
const users: OrgUser[] = [
  { id: 'boss', departmentId: 'sales', managerId: null },
  { id: 'eastLead', departmentId: 'east', managerId: 'boss' },
  { id: 'wang', departmentId: 'hz', managerId: 'eastLead' },
  { id: 'li', departmentId: 'south', managerId: 'boss' },
  { id: 'zhou', departmentId: 'east', managerId: null },
  { id: 'admin', departmentId: null, managerId: null },
];
const u = (id: string) => users.find((x) => x.id === id)!;
const sorted = (s: 'all' | Set<string>) => (s === 'all' ? 'all' : [...s].sort());

describe('data scopes', () => {
  it('own, own and subordinates (through the whole chain), department, department and below', () => {
    expect(sorted(scopeOwners('own', u('eastLead'), users, depts))).toEqual(['eastLead']);
    expect(sorted(scopeOwners('own_sub', u('boss'), users, depts))).toEqual(['boss', 'eastLead', 'li', 'wang']);
    expect(sorted(scopeOwners('own_sub', u('eastLead'), users, depts))).toEqual(['eastLead', 'wang']);
    expect(sorted(scopeOwners('dept', u('eastLead'), users, depts))).toEqual(['eastLead', 'zhou']);
    expect(sorted(scopeOwners('dept_sub', u('eastLead'), users, depts))).toEqual(['eastLead', 'wang', 'zhou']);
    expect(sorted(scopeOwners('dept_sub', u('boss'), users, depts))).toEqual(['boss', 'eastLead', 'li', 'wang', 'zhou']);
    expect(scopeOwners('all', u('wang'), users, depts)).toBe('all');
  });

  it('a user without a department sits at the top: their department is the others without one, and below is everyone', () => {
    expect(sorted(scopeOwners('dept', u('admin'), users, depts))).toEqual(['admin']);
    expect(scopeOwners('dept_sub', u('admin'), users, depts)).toBe('all');
  });

  it('a manager cycle in the data does not hang the walk', () => {
    const looped: OrgUser[] = [
      { id: 'a', departmentId: null, managerId: 'b' },
      { id: 'b', departmentId: null, managerId: 'a' },
    ];
    expect(sorted(scopeOwners('own_sub', looped[0]!, looped, []))).toEqual(['a', 'b']);
  });
});

describe('roles', () => {
  const clerk: Role = {
    code: 'clerk',
    name: '文员',
    builtin: false,
    admin: false,
    pool: false,
    entities: { account: { actions: ['read'], scope: 'own' }, contract: { actions: ['read', 'update'], scope: 'dept' } },
    fields: { account: { phone: 'hidden', notes: 'readonly' }, contract: { amount: 'hidden' } },
  };
  const auditor: Role = { ...clerk, code: 'auditor', entities: { account: { actions: ['read', 'export'], scope: 'all' } }, fields: { account: { phone: 'readonly' } } };

  it('a user’s access is the union of their roles: actions add up, scopes add up, a field is hidden only if every reader hides it', () => {
    const one = mergeRoles(['clerk'], [clerk, auditor]);
    expect(can(one, 'account', 'export')).toBe(false);
    expect(fieldAccess(one, 'account', 'phone')).toBe('hidden');
    expect(fieldAccess(one, 'contract', 'amount')).toBe('hidden');
    expect(fieldAccess(one, 'lead', 'name')).toBe('hidden');
    const both = mergeRoles(['clerk', 'auditor'], [clerk, auditor]);
    expect(can(both, 'account', 'export')).toBe(true);
    expect(both.entities.account?.scopes).toEqual(['own', 'all']);
    expect(fieldAccess(both, 'account', 'phone')).toBe('readonly');
    // The auditor makes no rule for notes: editable wins over the clerk's read-only.
    expect(fieldAccess(both, 'account', 'notes')).toBe('editable');
    expect(mergeRoles(['nobody'], [clerk]).entities).toEqual({});
  });

  it('titles cannot be hidden, required fields can (contract amounts from a temp agent); unknown fields are named', () => {
    expect(roleIssues({ ...clerk, fields: { account: { name: 'hidden', type: 'hidden', phone: 'hidden', nonsense: 'readonly' } } })).toEqual([
      { path: 'account.name', key: 'permission.cannotHide' },
      { path: 'account.nonsense', key: 'permission.unknownField' },
    ]);
    expect(roleIssues(clerk)).toEqual([]);
  });

  it('built-in roles cover every entity by default, and a saved built-in keeps defaults for entities it does not mention', () => {
    for (const code of ['admin', 'sales_manager', 'sales_rep', 'service_manager', 'service_agent', 'marketing'] as const) {
      const role = defaultRole(code);
      expect(Object.keys(role.entities).sort()).toEqual([...entityNames].sort());
      for (const e of entityNames) expect(role.entities[e]?.actions).toContain('read');
    }
    expect(defaultRole('sales_rep').entities.product?.actions).toEqual(['read', 'export']);
    expect(defaultRole('sales_manager').entities.product?.actions).toContain('update');
    expect(defaultRole('sales_rep').entities.account).toEqual({ actions: ['create', 'read', 'update', 'delete', 'export', 'assign'], scope: 'own' });
    const saved = completeRole({ ...defaultRole('sales_rep'), entities: { account: { actions: ['read'], scope: 'own' } } });
    expect(saved.entities.account).toEqual({ actions: ['read'], scope: 'own' });
    expect(saved.entities.contact).toEqual(defaultRole('sales_rep').entities.contact);
  });

  it('no access object means a replica on its own: everything allowed', () => {
    expect(can(null, 'account', 'delete')).toBe(true);
    expect(fieldAccess(undefined, 'account', 'phone')).toBe('editable');
  });
});
