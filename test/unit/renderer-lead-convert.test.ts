import { describe, expect, it } from 'vitest';
import type { RecordData, SearchHit } from '../../src-shared/api/client-api.contract';
import { en } from '../../src-shared/i18n/en';
import { zhCN } from '../../src-shared/i18n/zh-CN';
import {
  accountNameOf,
  checkConvert,
  convertDefaults,
  convertInput,
  firstOpenStage,
  matchingAccount,
  opportunityNameOf,
  splitIssues,
  withMatchedAccount,
} from '../../src-renderer/forms/lead-convert';

const lead = (over: Partial<RecordData> = {}): RecordData =>
  ({
    id: 'lead-1',
    name: '张伟',
    company: '华为技术有限公司',
    title: '采购经理',
    status: 'qualified',
    mobile: '13800138000',
    phone: '0755-28780808',
    email: 'zhang.wei@example.com',
    wechat: 'zhangwei88',
    province: '广东',
    city: '深圳',
    ...over,
  }) as RecordData;

const hit = (over: Partial<SearchHit> = {}): SearchHit => ({ entity: 'account', id: 'acc-1', title: '华为技术有限公司', subtitle: '深圳', ...over });

describe('lead conversion in the renderer', () => {
  it('prefills the account, contact and opportunity from the lead', () => {
    const state = convertDefaults(lead());
    expect(state.accountMode).toBe('new');
    expect(state.account).toEqual({ name: '华为技术有限公司', phone: '0755-28780808', province: '广东', city: '深圳' });
    expect(state.contact).toEqual({ name: '张伟', title: '采购经理', mobile: '13800138000', email: 'zhang.wei@example.com', wechat: 'zhangwei88' });
    expect(state.withOpportunity).toBe(true);
    expect(state.opportunity).toEqual({ name: '华为技术有限公司 - 张伟', stageId: '', amount: '', expectedCloseDate: '' });
  });

  it('names the account after the person when the lead has no company', () => {
    expect(accountNameOf(lead({ company: '  ' }))).toBe('张伟');
    expect(accountNameOf(lead({ company: null }))).toBe('张伟');
    expect(opportunityNameOf(lead({ company: null }))).toBe('张伟');
    const state = convertDefaults(lead({ company: null, phone: null, wechat: undefined }));
    expect(state.account.name).toBe('张伟');
    expect(state.account.phone).toBe('');
    expect(state.contact.wechat).toBe('');
  });

  it('starts a deal in the first active open stage by position', () => {
    const stages = [
      { id: 's-won', kind: 'won', position: 1, active: true },
      { id: 's-late', kind: 'open', position: 30, active: true },
      { id: 's-old', kind: 'open', position: 5, active: false },
      { id: 's-first', kind: 'open', position: 10, active: true },
    ] as unknown as RecordData[];
    expect(firstOpenStage(stages)?.id).toBe('s-first');
    expect(firstOpenStage([])).toBeUndefined();
  });

  it('finds an existing account named as the lead’s company, ignoring case and spaces', () => {
    expect(matchingAccount([hit({ title: '华为终端' }), hit({ id: 'acc-2' })], ' 华为技术有限公司 ')?.id).toBe('acc-2');
    expect(matchingAccount([hit({ title: 'Acme  Inc' })], 'acme inc')?.id).toBe('acc-1');
    expect(matchingAccount([hit({ title: '华为终端' })], '华为技术有限公司')).toBeUndefined();
    expect(matchingAccount([hit({ entity: 'contact' })], '华为技术有限公司')).toBeUndefined();
    expect(matchingAccount([hit()], '')).toBeUndefined();
    const state = withMatchedAccount(convertDefaults(lead()), hit());
    expect(state).toMatchObject({ accountMode: 'existing', existingId: 'acc-1', existingTitle: '华为技术有限公司', matchedByName: true });
  });

  it('sends a new account, the contact and the deal with the amount in fen and empty fields left out', () => {
    const state = convertDefaults(lead({ wechat: null }));
    state.opportunity = { ...state.opportunity, stageId: 'stage-1', amount: '12,345.6', expectedCloseDate: '2026-12-31' };
    expect(convertInput('lead-1', state)).toEqual({
      leadId: 'lead-1',
      account: { values: { name: '华为技术有限公司', phone: '0755-28780808', province: '广东', city: '深圳' } },
      contact: { values: { name: '张伟', title: '采购经理', mobile: '13800138000', email: 'zhang.wei@example.com' } },
      opportunity: { values: { name: '华为技术有限公司 - 张伟', stageId: 'stage-1', amount: 1_234_560, expectedCloseDate: '2026-12-31' } },
    });
  });

  it('sends an existing account by id, and no deal when the box is unticked', () => {
    const state = { ...withMatchedAccount(convertDefaults(lead()), hit()), withOpportunity: false };
    const input = convertInput('lead-1', state);
    expect(input.account).toEqual({ existingId: 'acc-1' });
    expect(input.opportunity).toBeNull();
  });

  it('checks each part before asking the core, with the part in the field name', () => {
    const ok = convertDefaults(lead());
    ok.opportunity.stageId = 'stage-1';
    expect(checkConvert(ok)).toEqual([]);

    const bad = convertDefaults(lead({ company: null }));
    bad.account.name = '';
    bad.contact.mobile = '123';
    bad.opportunity.amount = 'abc';
    const fields = checkConvert(bad).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['account.name', 'contact.mobile', 'opportunity.stageId', 'opportunity.amount']));
    // The account the core fills in is not the user's to give.
    expect(fields).not.toContain('contact.accountId');
    expect(fields).not.toContain('opportunity.accountId');

    expect(checkConvert({ ...bad, accountMode: 'existing', existingId: '', withOpportunity: false }).map((i) => i.field)).toEqual(['account.existingId', 'contact.mobile']);
  });

  it('sorts the core’s issues to their part, and keeps the rest for the top of the dialog', () => {
    const split = splitIssues([
      { field: 'account.name', key: 'validation.required' },
      { field: 'account.existingId', key: 'validation.ref' },
      { field: 'contact.email', key: 'validation.email' },
      { field: 'opportunity.stageId', key: 'validation.ref' },
      { field: 'opportunity.lines', key: 'validation.lines' },
      { field: 'status', key: 'validation.readOnly' },
    ]);
    expect(split.account).toEqual([
      { field: 'name', key: 'validation.required' },
      { field: 'existingId', key: 'validation.ref' },
    ]);
    expect(split.contact).toEqual([{ field: 'email', key: 'validation.email' }]);
    expect(split.opportunity).toEqual([{ field: 'stageId', key: 'validation.ref' }]);
    expect(split.other).toEqual([
      { field: 'opportunity.lines', key: 'validation.lines' },
      { field: 'status', key: 'validation.readOnly' },
    ]);
  });

  it('has every text of the dialog in both languages', () => {
    const keys = Object.keys(zhCN).filter((k) => k.startsWith('lead.convert') || k === 'lead.converted');
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect(en).toHaveProperty([key]);
  });
});
