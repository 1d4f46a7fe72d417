import { describe, expect, it } from 'vitest';
import type { ConflictEntry } from '../../src-shared/api/client-api.contract';
import { initialFormState } from '../../src-renderer/forms/form-values';
import { makeTranslator } from '../../src-renderer/i18n/use-t';
import { checkResend, resendable, conflictView, groupByRecord, issueText, referencedIds, rejectedFormFields, serverFieldIssues, type RefTitleLookup } from '../../src-renderer/sync/conflict-view';

const zh = makeTranslator('zh-CN');
const en = makeTranslator('en');
const NOW = Date.UTC(2026, 4, 3, 6, 30, 0);
const noRefs: RefTitleLookup = () => undefined;

function entry(over: Partial<ConflictEntry>): ConflictEntry {
  return {
    id: 1,
    kind: 'field',
    entity: 'account',
    recordId: 'a1',
    title: '华为技术有限公司',
    op: 'update',
    field: null,
    mine: {},
    theirs: null,
    byName: null,
    at: null,
    code: null,
    message: null,
    issues: null,
    createdAt: NOW - 5 * 60_000,
    resolvedAt: null,
    resolution: null,
    ...over,
  };
}

describe('conflict inbox entries', () => {
  it('shows a lost field with its label, both values as the record pages show them, who won and when', () => {
    const view = conflictView(entry({ field: 'level', mine: { level: 'A' }, theirs: { level: 'C' }, byName: '李娜', at: NOW - 3_600_000 }), zh, NOW, noRefs);
    expect(view.kindLabel).toBe('同时修改');
    expect(view.field).toEqual(expect.objectContaining({ label: '客户分级', mine: 'A 高价值', theirs: 'C 低价值', theirsLabel: '李娜 的值（当前生效）' }));
    expect(view.summary).toContain('李娜');
    expect(view.summary).toContain('“客户分级”');
    expect(view.summary).toMatch(/2026/);
    expect(view.createdText).toBe('发生于 5分钟前');
    expect(view.actions).toEqual(['theirs', 'mine']);
    expect(view.resolved).toBe(false);
  });

  it('groups phone numbers for reading and says "another user" when the server gave no name', () => {
    const view = conflictView(entry({ field: 'phone', mine: { phone: '13812345678' }, theirs: { phone: '0571-88889999' } }), en, NOW, noRefs);
    expect(view.field?.mine).toBe('138 1234 5678');
    expect(view.field?.theirsLabel).toBe('Value by Another user (in effect)');
  });

  it('names referenced records, and says so when one is not on this device', () => {
    const refs: RefTitleLookup = (entity, id) => (entity === 'account' ? ({ a1: '华为技术有限公司', a2: '' } as Record<string, string>)[id] : undefined);
    const view = conflictView(entry({ entity: 'contact', recordId: 'c1', title: '张伟', field: 'accountId', mine: { accountId: 'a2' }, theirs: { accountId: 'a1' } }), zh, NOW, refs);
    expect(view.field?.label).toBe('所属客户');
    expect(view.field?.theirs).toBe('华为技术有限公司');
    expect(view.field?.mine).toBe('本机已没有这条记录');
    expect(referencedIds([entry({ entity: 'contact', mine: { accountId: 'a2', name: 'x' }, theirs: { accountId: 'a1' } })])).toEqual(new Map([['account', new Set(['a2', 'a1'])]]));
  });

  it('lists my changes to a deleted record in definition order, with enum labels and an empty value kept empty', () => {
    const view = conflictView(entry({ kind: 'deleted', mine: { tags: ['茶叶', '华东'], industry: 'retail', phone: null }, byName: '王强', at: NOW - 60_000 }), zh, NOW, noRefs);
    expect(view.changes.map((c) => [c.label, c.text])).toEqual([
      ['行业', '零售'],
      ['标签', '茶叶、华东'],
      ['电话', ''],
    ]);
    expect(view.summary).toContain('王强');
    expect(view.summary).toContain('删除了这条记录');
    expect(view.actions).toEqual(['discard', 'restore']);
  });

  it('explains a refusal: the reason of its code, the server words, and each issue on its field label', () => {
    const e = entry({
      kind: 'rejected',
      mine: { name: '', phone: '12345' },
      code: 'VALIDATION',
      message: 'name: required',
      issues: [
        { field: 'name', key: 'validation.required' },
        { field: 'street', key: 'validation.tooLong' },
      ],
    });
    const view = conflictView(e, zh, NOW, noRefs);
    expect(view.summary).toBe('服务器没有接受这次修改：有字段不符合要求');
    expect(view.serverMessage).toBe('服务器说明：name: required');
    expect(view.issues).toEqual([
      { field: 'name', label: '客户名称', text: '必填' },
      { field: 'street', label: '街道地址', text: '不能超过 200 个字符' },
    ]);
    expect(view.actions).toEqual(['discard', 'resend']);
    expect(conflictView(e, en, NOW, noRefs).summary).toBe('The server did not accept this edit: some fields are not valid');
  });

  it('falls back to words for codes and issue keys this version does not know', () => {
    const e = entry({ kind: 'rejected', op: 'create', code: 'UNIQUE_VIOLATION', issues: [{ field: 'creditCode', key: 'validation.unique' }] });
    expect(issueText(zh, 'account', { field: 'creditCode', key: 'validation.unique' }, 'UNIQUE_VIOLATION')).toBe('有字段与已有记录重复');
    expect(serverFieldIssues(e)).toEqual([{ field: 'creditCode', key: 'conflict.code.UNIQUE_VIOLATION', params: { max: 18 } }]);
    expect(conflictView(entry({ kind: 'rejected', code: 'SOMETHING_NEW' }), en, NOW, noRefs).summary).toBe('The server did not accept this edit: the server refused the change (SOMETHING_NEW)');
  });

  it('a pool claim a colleague won reads as such and can only be dismissed', () => {
    const e = entry({ kind: 'rejected', entity: 'account', op: 'update', code: 'CLAIM_TAKEN', message: '李军 claimed this account first', issues: [{ field: 'ownerId', key: 'pool.claimTaken' }] });
    const view = conflictView(e, zh, NOW, noRefs);
    expect(view.summary).toContain('同事先领取了这个公海客户');
    expect(view.issues.map((i) => i.text)).toEqual(['同事先领取了这个客户，它已从你的客户中移除']);
    expect(view.serverMessage).toContain('李军');
    expect(view.actions).toEqual(['discard']);
    expect(resendable(e)).toBe(false);
    expect(resendable({ kind: 'rejected', code: 'POOL_RULE' })).toBe(true);
  });

  it('shows a settled entry with what was done and no actions', () => {
    const view = conflictView(entry({ resolvedAt: NOW - 30_000, resolution: 'theirs' }), zh, NOW, noRefs);
    expect(view.resolvedText).toBe('已保留对方的值 · 刚刚');
    expect(view.actions).toEqual([]);
  });

  it('keeps the entries of one record together, in the order they came', () => {
    const entries = [entry({ id: 3, recordId: 'a1' }), entry({ id: 2, recordId: 'a2', title: '' }), entry({ id: 1, recordId: 'a1' })];
    const groups = groupByRecord(
      entries,
      entries.map((e) => conflictView(e, zh, NOW, noRefs)),
      zh,
    );
    expect(groups.map((g) => [g.recordId, g.entityLabel, g.title, g.entries.map((v) => v.id)])).toEqual([
      ['a1', '客户', '华为技术有限公司', [3, 1]],
      ['a2', '客户', '（无名称）', [2]],
    ]);
  });
});

describe('correcting a refused change', () => {
  it('offers what I typed and what the server named, never system fields', () => {
    const e = entry({ kind: 'rejected', mine: { phone: '12345', poolState: 'pool' }, issues: [{ field: 'name', key: 'validation.required' }] });
    expect(rejectedFormFields(e).map((f) => f.name)).toEqual(['name', 'phone']);
  });

  it('offers the filled and required fields of a refused create, not every empty one', () => {
    const e = entry({ kind: 'rejected', op: 'create', mine: { name: '深圳前海新能源', type: 'company', industry: 'energy', phone: null, city: '' } });
    expect(rejectedFormFields(e).map((f) => f.name)).toEqual(['name', 'type', 'industry', 'status']);
  });

  it('checks the corrections with the shared validation and resends the whole change', () => {
    const e = entry({ kind: 'rejected', mine: { name: '', phone: '12345', level: 'B' }, issues: [{ field: 'name', key: 'validation.required' }] });
    const fields = rejectedFormFields(e);
    const typed = initialFormState('account', e.mine);
    const first = checkResend(e, fields, typed);
    expect(first.issues.map((i) => [i.field, i.key])).toEqual([
      ['phone', 'validation.phone'],
      ['name', 'validation.required'],
    ]);
    const fixed = checkResend(e, fields, { ...typed, name: ' 华为技术有限公司 ', phone: '0755 2878 0808' });
    expect(fixed.issues).toEqual([]);
    expect(fixed.values).toEqual({ name: '华为技术有限公司', phone: '0755-28780808', level: 'B' });
  });
});
