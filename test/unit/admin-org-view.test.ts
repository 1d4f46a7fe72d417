import { describe, expect, it } from 'vitest';
import {
  copyCode,
  definitionOf,
  departmentPath,
  departmentTree,
  fieldLevel,
  flattenTree,
  limitedCount,
  managerCandidates,
  moveTargets,
  roleLabel,
  sameDefinition,
  setFieldLevel,
  setRow,
  setScope,
  toggleAction,
  treeRows,
} from '../../src-renderer/admin/admin-org-view';
import { refusalText } from '../../src-renderer/admin/refusal-text';
import { makeTranslator } from '../../src-renderer/i18n/use-t';
import { defaultRole, permissionActions } from '../../src-shared/permissions/access';
import type { AdminDepartment, AdminRole } from '../../src-shared/sync/protocol.contract';

const dept = (id: string, name: string, parentId: string | null, userCount = 0): AdminDepartment => ({ id, name, parentId, userCount, createdAt: 0 });
const departments = [dept('s', '销售部', null, 1), dept('e', '华东区', 's', 2), dept('sh', '上海组', 'e', 3), dept('n', '华北区', 's'), dept('k', '客服部', null)];
const zh = makeTranslator('zh-CN');

function adminRole(code: Parameters<typeof defaultRole>[0]): AdminRole {
  return { ...defaultRole(code), userCount: 0, customized: false };
}

describe('admin organisation screens: the department tree', () => {
  it('builds the tree in the locale’s name order with users counted below, and draws its guide lines', () => {
    const tree = departmentTree(departments, 'zh-CN');
    expect(flattenTree(tree).map((n) => `${n.depth}:${n.department.name}:${n.total}`)).toEqual(['0:客服部:0', '0:销售部:6', '1:华北区:0', '1:华东区:5', '2:上海组:3']);
    expect(treeRows(tree).map((r) => `${r.node.department.name}:${r.guides.map(Number).join('')}:${r.last ? 'last' : 'more'}`)).toEqual([
      '客服部::more',
      '销售部::last',
      '华北区:0:more',
      '华东区:0:last',
      '上海组:00:last',
    ]);
    // A department whose parent is gone shows at the top instead of not at all.
    expect(flattenTree(departmentTree([dept('x', '孤儿', 'gone')], 'zh-CN')).map((n) => n.depth)).toEqual([0]);
  });

  it('names a department by its path, offers as a new parent anything outside its own subtree, and as a manager anyone not reporting to the user', () => {
    expect(departmentPath('sh', departments)).toBe('销售部 / 华东区 / 上海组');
    expect([...moveTargets('e', departments)].sort()).toEqual(['k', 'n', 's']);
    const users = [
      { id: 'boss', managerId: null },
      { id: 'zhao', managerId: 'boss' },
      { id: 'wang', managerId: 'zhao' },
      { id: 'li', managerId: null },
    ];
    expect(managerCandidates('zhao', users).map((u) => u.id)).toEqual(['boss', 'li']);
    expect(managerCandidates('wang', users).map((u) => u.id)).toEqual(['boss', 'zhao', 'li']);
  });
});

describe('admin organisation screens: editing a role', () => {
  it('checking an action checks 查看 with it; unchecking 查看 clears the row; a row gains the narrowest scope', () => {
    const base = { ...definitionOf(adminRole('sales_rep')), entities: {} };
    const created = toggleAction(base, 'account', 'create', true);
    expect(created.entities.account).toEqual({ actions: ['create', 'read'], scope: 'own' });
    expect(toggleAction(base, 'product', 'read', true).entities.product).toEqual({ actions: ['read'], scope: 'all' });
    expect(toggleAction(created, 'account', 'read', false).entities.account).toBeUndefined();
    expect(toggleAction(created, 'account', 'create', false).entities.account).toEqual({ actions: ['read'], scope: 'own' });
    const all = setScope(setRow(base, 'contact', true), 'contact', 'dept_sub');
    expect(all.entities.contact).toEqual({ actions: [...permissionActions], scope: 'dept_sub' });
    expect(setRow(all, 'contact', false).entities.contact).toBeUndefined();
    expect(setScope(base, 'lead', 'all')).toBe(base);
  });

  it('field levels: editable is not stored, the title field cannot be hidden, and a definition compares by what it allows', () => {
    const rep = definitionOf(adminRole('sales_rep'));
    const limited = setFieldLevel(setFieldLevel(rep, 'account', 'phone', 'readonly'), 'account', 'email', 'hidden');
    expect(limited.fields.account).toEqual({ phone: 'readonly', email: 'hidden' });
    expect(limitedCount(limited, 'account')).toBe(2);
    expect(setFieldLevel(limited, 'account', 'name', 'hidden')).toBe(limited);
    expect(fieldLevel(limited, 'account', 'name')).toBe('editable');
    const back = setFieldLevel(setFieldLevel(limited, 'account', 'phone', 'editable'), 'account', 'email', 'editable');
    expect(back.fields.account).toBeUndefined();
    expect(sameDefinition(back, rep)).toBe(true);
    expect(sameDefinition(limited, rep)).toBe(false);
    const reordered = { ...rep, entities: { account: { ...rep.entities.account!, actions: [...rep.entities.account!.actions].reverse() } } };
    expect(sameDefinition(reordered, { ...rep, entities: { account: rep.entities.account! } })).toBe(true);
  });

  it('labels built-in roles in the interface language unless renamed, suggests free codes for copies, and words refusals', () => {
    expect(roleLabel(zh, adminRole('sales_rep'))).toBe('销售代表');
    expect(roleLabel(zh, { ...adminRole('sales_rep'), name: '一线销售' })).toBe('一线销售');
    expect(roleLabel(zh, { code: 'telesales', name: '电话销售', builtin: false })).toBe('电话销售');
    expect(copyCode('sales_rep', ['sales_rep'])).toBe('sales_rep_copy');
    expect(copyCode('sales_rep', ['sales_rep_copy', 'sales_rep_copy2'])).toBe('sales_rep_copy3');
    expect(refusalText(zh, { issues: [{ field: '', key: 'adminOrg.refused.department_has_users', params: { name: '华东区', count: 2 } }] })).toBe('“华东区”下还有 2 个用户，请先把他们调到其他部门');
    expect(refusalText(zh, { issues: [{ field: 'account.name', key: 'adminOrg.refused.role_invalid', params: { field: 'account.name' } }] })).toBe('标题字段不能隐藏（客户 · 客户名称）');
    expect(refusalText(zh, { issues: [{ field: 'account.shoe', key: 'adminOrg.refused.role_invalid', params: { field: 'account.shoe', issue: 'permission.unknownField' } }] })).toContain('没有字段');
    expect(refusalText(zh, { issues: [{ field: 'x', key: 'validation.required' }] })).toBeNull();
    expect(refusalText(zh, {})).toBeNull();
  });
});
