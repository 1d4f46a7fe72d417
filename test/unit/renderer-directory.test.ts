import { describe, expect, it, vi } from 'vitest';
import type { ConflictEntry } from '../../src-shared/api/client-api.contract';
import { buildColumnDefs, columnField, type OwnerColumnSupport } from '../../src-renderer/grid/columns';
import { toListFilters } from '../../src-renderer/grid/filter-model';
import { makeTranslator } from '../../src-renderer/i18n/use-t';
import {
  canReassign,
  indexUsers,
  interpolate,
  leavesMyReplica,
  ownerCandidates,
  roleText,
  userDetail,
  userName,
  userView,
  type DirectoryUser,
  type UserLookup,
} from '../../src-renderer/state/directory';
import { conflictView } from '../../src-renderer/sync/conflict-view';

// The grid's columns read record names through the API client, which needs a window; none is used here.
vi.mock('../../src-renderer/api/client', () => ({ api: {}, onCoreEvent: () => () => undefined }));

const zh = makeTranslator('zh-CN');
const en = makeTranslator('en');

const users: DirectoryUser[] = [
  { id: 'u-admin', name: '系统管理员', username: 'admin', role: 'admin', department: null, active: true },
  { id: 'u-zhao', name: '赵敏', username: 'zhaomin', role: 'sales_manager', department: '华东销售部', active: true },
  { id: 'u-wang', name: '王芳', username: 'wangfang', role: 'sales_rep', department: '华东销售部', active: true },
  { id: 'u-li', name: '李军', username: 'lijun', role: 'sales_rep', department: '华南销售部', active: true },
  { id: 'u-old', name: '陈静', username: 'chenjing', role: 'sales_rep', department: null, active: false },
];
const byId = indexUsers(users);
const lookup: UserLookup = (id) => byId.get(id);

describe('user directory in the renderer', () => {
  it('names a known id, falls back to the raw id only for an unknown one, and shows nothing for no id', () => {
    expect(userName(lookup, 'u-li')).toBe('李军');
    expect(userName(lookup, '0190a1b2-unknown')).toBe('0190a1b2-unknown');
    expect(userName(lookup, null)).toBe('');
    expect(userName(lookup, '')).toBe('');
    // A user the server sent without a name still shows as something.
    const blank = indexUsers([{ id: 'u-x', name: ' ', username: 'x', role: 'sales_rep', department: null, active: true }]);
    expect(userName((id) => blank.get(id), 'u-x')).toBe('u-x');
  });

  it('adds role, department and a disabled mark on hover, in the user language', () => {
    expect(userDetail(zh, byId.get('u-wang'))).toBe('销售代表 · 华东销售部');
    expect(userDetail(en, byId.get('u-zhao'))).toBe('Sales manager · 华东销售部');
    expect(userDetail(zh, byId.get('u-old'))).toBe('销售代表 · 已停用');
    expect(userView(zh, lookup, 'u-li')).toEqual({ name: '李军', title: '李军 · 销售代表 · 华南销售部' });
    // An unknown id: the hover shows the whole id (the cell may cut it).
    expect(userView(zh, lookup, 'u-gone')).toEqual({ name: 'u-gone', title: 'u-gone' });
  });

  it('has no role label for the local, not signed-in user or a role this version does not know', () => {
    expect(roleText(zh, 'local')).toBeNull();
    expect(roleText(en, 'auditor')).toBeNull();
    expect(roleText(zh, 'marketing')).toBe('市场专员');
    const local: DirectoryUser = { id: 'os-user', name: 'dev', username: 'dev', role: 'local', department: null, active: true };
    expect(userDetail(zh, local)).toBe('');
    expect(userView(zh, (id) => (id === local.id ? local : undefined), local.id)).toEqual({ name: 'dev', title: '' });
  });

  it('tells when a reassignment takes the record off this device: a rep giving it away, not a manager', () => {
    const wang = { id: 'u-wang', role: 'sales_rep' };
    expect(leavesMyReplica(wang, 'u-li')).toBe(true);
    expect(leavesMyReplica(wang, 'u-wang')).toBe(false);
    expect(leavesMyReplica({ id: 'u-zhao', role: 'sales_manager' }, 'u-li')).toBe(false);
    expect(leavesMyReplica({ id: 'u-admin', role: 'admin' }, 'u-li')).toBe(false);
    expect(leavesMyReplica({ id: 's', role: 'service_manager' }, 'u-li')).toBe(false);
    expect(leavesMyReplica({ id: 'm', role: 'marketing' }, 'u-li')).toBe(true);
    // A role this version does not know: say it may leave rather than surprise the user.
    expect(leavesMyReplica({ id: 'x', role: 'auditor' }, 'u-li')).toBe(true);
    // Not signed in: nothing syncs, nothing leaves.
    expect(leavesMyReplica(null, 'u-li')).toBe(false);
  });

  it('offers active users in name order, searchable by name, user name, department and role label', () => {
    const all = ownerCandidates(users, zh);
    expect(all.map((u) => u.username)).not.toContain('chenjing');
    expect(all).toHaveLength(4);
    // Pinyin order in Chinese: 李 (li) < 王 (wang) < 系 (xi) < 赵 (zhao).
    expect(all.map((u) => u.name)).toEqual(['李军', '王芳', '系统管理员', '赵敏']);
    expect(ownerCandidates(users, zh, '华东').map((u) => u.username)).toEqual(['wangfang', 'zhaomin']);
    expect(ownerCandidates(users, zh, 'LIJUN').map((u) => u.name)).toEqual(['李军']);
    expect(ownerCandidates(users, zh, '经理').map((u) => u.name)).toEqual(['赵敏']);
    expect(ownerCandidates(users, en, 'manager').map((u) => u.name)).toEqual(['赵敏']);
    expect(ownerCandidates(users, zh, '  ')).toHaveLength(4);
    expect(ownerCandidates(users, zh, '没有这个人')).toEqual([]);
  });

  it('can reassign only when another active user exists', () => {
    expect(canReassign(users, 'u-wang')).toBe(true);
    const onlyMe: DirectoryUser[] = [{ id: 'os-user', name: 'dev', username: 'dev', role: 'local', department: null, active: true }];
    expect(canReassign(onlyMe, 'os-user')).toBe(false);
    expect(canReassign([...onlyMe, { ...onlyMe[0]!, id: 'gone', active: false }], 'os-user')).toBe(false);
    expect(canReassign([], 'x')).toBe(false);
  });

  it('fills a translated template with nodes in order, keeping unknown placeholders as text', () => {
    const owner = { node: 'owner' };
    expect(interpolate(zh('record.audit'), { owner, createdBy: { node: 'c' }, updatedBy: { node: 'u' }, created: '2026-05-03 10:00', updated: '2026-05-04 09:30' })).toEqual([
      '负责人 ',
      owner,
      ' · ',
      { node: 'c' },
      ' 创建于 ',
      '2026-05-03 10:00',
      ' · ',
      { node: 'u' },
      ' 最后更新于 ',
      '2026-05-04 09:30',
    ]);
    expect(interpolate('{a} and {b}', { a: 1 })).toEqual([1, ' and {b}']);
    expect(interpolate('plain', {})).toEqual(['plain']);
  });

  it('names owners in the conflict inbox instead of showing their ids', () => {
    const entry: ConflictEntry = {
      id: 1,
      kind: 'field',
      entity: 'account',
      recordId: 'a1',
      title: '华为技术有限公司',
      op: 'update',
      field: 'ownerId',
      mine: { ownerId: 'u-li' },
      theirs: { ownerId: 'u-wang' },
      byName: '赵敏',
      at: Date.UTC(2026, 4, 3),
      code: null,
      message: null,
      issues: null,
      createdAt: Date.UTC(2026, 4, 3),
      resolvedAt: null,
      resolution: null,
    };
    const names = (id: string) => userName(lookup, id);
    const view = conflictView(entry, zh, Date.UTC(2026, 4, 3, 1), () => undefined, names);
    expect(view.field).toEqual(expect.objectContaining({ label: '负责人', mine: '李军', theirs: '王芳' }));
    // Without a directory (older callers) the id still shows.
    expect(conflictView(entry, zh, Date.UTC(2026, 4, 3, 1), () => undefined).field?.mine).toBe('u-li');
    const deleted = conflictView({ ...entry, kind: 'deleted', field: null, mine: { ownerId: 'u-gone', city: '杭州' }, theirs: null }, en, Date.UTC(2026, 4, 3, 1), () => undefined, names);
    expect(deleted.changes).toEqual([
      { field: 'city', label: 'City', text: '杭州' },
      { field: 'ownerId', label: 'Owner', text: 'u-gone' },
    ]);
  });
});

describe('owner column of the accounts grid', () => {
  const owner: OwnerColumnSupport = { name: (id) => userName(lookup, id), title: (id) => userView(zh, lookup, id).title, filter: false };

  it('shows the owner by name on accounts, not sortable, and only when the grid supplies the directory', () => {
    const cols = buildColumnDefs('account', zh, owner);
    const col = cols.find((c) => c.colId === 'ownerId');
    expect(col).toBeDefined();
    expect(col?.headerName).toBe('负责人');
    expect(col?.sortable).toBe(false);
    expect(col?.initialHide).toBe(false);
    const getter = col?.valueGetter as (p: { data: Record<string, unknown> | undefined }) => string;
    expect(getter({ data: { id: 'a1', ownerId: 'u-li' } })).toBe('李军');
    expect(getter({ data: { id: 'a2', ownerId: 'u-unknown' } })).toBe('u-unknown');
    expect(getter({ data: undefined })).toBe('');
    expect(buildColumnDefs('account', zh).some((c) => c.colId === 'ownerId')).toBe(false);
    expect(buildColumnDefs('contact', zh, owner).some((c) => c.colId === 'ownerId')).toBe(false);
    // Every other column is unchanged by the owner column.
    expect(cols.filter((c) => c.colId !== 'ownerId').map((c) => c.colId)).toEqual(buildColumnDefs('account', zh).map((c) => c.colId));
  });

  it('filters by ticked owners through the list query (ownerId in …)', () => {
    expect(columnField('account', 'ownerId')?.kind).toBe('ref');
    const filters = toListFilters((f) => columnField('account', f), { ownerId: { filterType: 'values', values: ['u-li', 'u-wang'] } });
    expect(filters).toEqual([{ field: 'ownerId', op: 'in', value: ['u-li', 'u-wang'] }]);
  });
});
