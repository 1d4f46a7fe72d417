import { describe, expect, it } from 'vitest';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, entityNames, type FieldDef, type LineItem } from '../../src-shared/entities/index';
import { en } from '../../src-shared/i18n/en';
import { zhCN } from '../../src-shared/i18n/zh-CN';
import { entityIcon } from '../../src-renderer/components/icons';
import { formatFieldValue } from '../../src-renderer/format/field-format';
import { recordTitle, stageLabel } from '../../src-renderer/format/record-title';
import { badgeClass } from '../../src-renderer/format/status-tone';
import { checkForm, initialFormState } from '../../src-renderer/forms/form-values';
import { issueMessage } from '../../src-renderer/forms/issue-text';
import { draftAmount, draftTotals, draftToLine, lineToDraft, parseDiscount, parsePrice, parseQty, readDrafts, writeDrafts } from '../../src-renderer/forms/line-drafts';
import { makeTranslator } from '../../src-renderer/i18n/use-t';
import { childDefaults, relatedLists } from '../../src-renderer/pages/detail-config';
import { planStatus, receivedByPlan } from '../../src-shared/sales/payment-plan.util';
import { entityText } from '../../src-renderer/state/entity-text';

const zh = makeTranslator('zh-CN');
const english = makeTranslator('en');

const line = (over: Partial<LineItem> = {}): LineItem => ({ productId: 'p1', name: '服务器', code: 'SRV-1', unit: '台', qty: 2, unitPrice: 1_280_000, discountBp: 1000, ...over });

describe('the sales modules in the renderer', () => {
  it('have every sentence, icon and label the pages use, in both languages', () => {
    for (const entity of entityNames) {
      expect(entityIcon[entity]).toBeTruthy();
      for (const key of Object.values(entityText[entity])) {
        expect(zhCN, `${entity}: ${key}`).toHaveProperty([key]);
        expect(en, `${entity}: ${key}`).toHaveProperty([key]);
      }
      expect(zhCN).toHaveProperty([`entity.${entity}`]);
    }
    for (const key of ['validation.transition', 'validation.lostReason', 'validation.lines', 'validation.activityParent']) {
      expect(zhCN).toHaveProperty([key]);
      expect(en).toHaveProperty([key]);
    }
  });

  it('name the built-in stages in the user’s language, and admin-made stages by their name', () => {
    expect(stageLabel('proposal', 'zh-CN')).toBe('方案报价');
    expect(stageLabel('won', 'en')).toBe('Won');
    expect(stageLabel('custom', 'zh-CN')).toBeNull();
    expect(recordTitle('stage', { code: 'negotiation', name: 'Negotiation' }, 'zh-CN')).toBe('谈判');
    expect(recordTitle('stage', { code: null, name: '技术交流' }, 'en')).toBe('技术交流');
    expect(recordTitle('quote', { title: '年度框架报价' }, 'en')).toBe('年度框架报价');
  });

  it('format decimals to their scale, lines as a count and several references as names', () => {
    const fields = entities.activity.fields as Record<string, FieldDef>;
    expect(formatFieldValue(fields.latitude!, 39.9042, zh)).toBe('39.904200');
    const lines = (entities.quote.fields as Record<string, FieldDef>).lines!;
    expect(formatFieldValue(lines, [line(), line(), line()], zh)).toBe('3 项');
    expect(formatFieldValue(lines, [line()], english)).toBe('1 line');
    expect(formatFieldValue(lines, [], english)).toBe('');
    const refs = (entities.opportunity.fields as Record<string, FieldDef>).competitorIds!;
    expect(formatFieldValue(refs, ['c1', 'c2'], zh, { refTitles: ['甲公司', '乙公司'] })).toBe('甲公司、乙公司');
  });

  it('colour statuses by what they mean', () => {
    expect(badgeClass('orderStatus', 'completed')).toContain('badge-tone-success');
    expect(badgeClass('stageKind', 'lost')).toContain('badge-tone-danger');
    expect(badgeClass('accountLevel', 'A')).toBe('badge badge-accountLevel-A');
  });
});

describe('line drafts', () => {
  it('read yuan, percent and quantities as typed, and refuse what is not a number', () => {
    expect(parsePrice('12,800.5')).toBe(1_280_050);
    expect(parsePrice('¥ 99')).toBe(9900);
    expect(parsePrice('1.234')).toBeNull();
    expect(parseQty('2.5')).toBe(2.5);
    expect(parseQty('0')).toBeNull();
    expect(parseQty('1.2345')).toBeNull();
    expect(parseDiscount('')).toBe(0);
    expect(parseDiscount('12.5')).toBe(1250);
    expect(parseDiscount('101')).toBeNull();
  });

  it('round-trip stored lines through the editor unchanged', () => {
    const lines = [line(), line({ productId: null, name: '安装调试', code: null, unit: null, qty: 1, unitPrice: 50_000, discountBp: 0 }), line({ qty: 0.125, discountBp: 1250 })];
    expect(lines.map(lineToDraft).map(draftToLine)).toEqual(lines);
  });

  it('work out line amounts and totals as lines.util does, leaving incomplete lines out', () => {
    const d = lineToDraft(line());
    expect(draftAmount(d)).toBe(2_304_000);
    expect(draftAmount({ ...d, unitPrice: '' })).toBeNull();
    expect(draftTotals([d, { ...d, qty: 'x' }])).toEqual({ subtotal: 2_560_000, discountTotal: 256_000, total: 2_304_000 });
  });

  it('keep the editor state as JSON text', () => {
    const drafts = [lineToDraft(line())];
    expect(readDrafts(writeDrafts(drafts))).toEqual(drafts);
    expect(readDrafts('')).toEqual([]);
    expect(readDrafts('not json')).toEqual([]);
  });
});

describe('record form values of the sales modules', () => {
  it('send a quote’s lines in fen and basis points, and its competitors’ ids', () => {
    const state = initialFormState('quote');
    expect(readDrafts(state.lines)).toEqual([]);
    const drafts = [{ productId: 'p1', name: '服务器', code: 'SRV-1', unit: '台', qty: '2', unitPrice: '12800', discount: '10' }];
    const { values, issues } = checkForm('quote', { ...state, title: '年度报价', accountId: 'a1', lines: JSON.stringify(drafts) });
    expect(issues).toEqual([]);
    expect(values.lines).toEqual([line()]);

    const deal = initialFormState('opportunity');
    const checked = checkForm('opportunity', { ...deal, name: '扩容', accountId: 'a1', stageId: 's1', competitorIds: JSON.stringify(['c1', 'c2']) });
    expect(checked.issues).toEqual([]);
    expect(checked.values.competitorIds).toEqual(['c1', 'c2']);
  });

  it('flag an incomplete line and a decimal out of range', () => {
    const bad = [{ productId: null, name: '', code: null, unit: null, qty: '1', unitPrice: '10', discount: '0' }];
    const { issues } = checkForm('quote', { ...initialFormState('quote'), title: 'x', accountId: 'a1', lines: JSON.stringify(bad) });
    expect(issues).toContainEqual({ field: 'lines', key: 'validation.lines' });
    const activity = checkForm('activity', { ...initialFormState('activity'), subject: '拜访', occurredAt: '2025-05-06T09:30', accountId: 'a1', latitude: '91' });
    expect(activity.issues).toContainEqual(expect.objectContaining({ field: 'latitude', key: 'validation.range' }));
  });

  it('check the record rules before saving: an activity needs an account or a lead, a disqualified lead a reason', () => {
    const activity = checkForm('activity', { ...initialFormState('activity'), subject: '电话', occurredAt: '2025-05-06T09:30' });
    expect(activity.issues).toContainEqual({ field: 'accountId', key: 'validation.activityParent' });
    const lead = checkForm('lead', { ...initialFormState('lead'), name: '王芳', status: 'lost' });
    expect(lead.issues).toContainEqual({ field: 'lostReason', key: 'validation.lostReason' });
  });

  it('send nothing when an order’s lines are unchanged, whatever the key order they were stored in', () => {
    const stored = { unitPrice: 1_280_000, discountBp: 1000, qty: 2, name: '服务器', productId: 'p1', code: 'SRV-1', unit: '台' };
    const order = { id: 'o1', updatedAt: 1, deletedAt: null, accountId: 'a1', status: 'pending_review', currency: 'CNY', lines: [stored] } satisfies RecordData;
    expect(checkForm('order', initialFormState('order', order), order).values).toEqual({});
  });

  it('name the statuses of a refused transition by their labels', () => {
    expect(issueMessage(zh, 'order', { field: 'status', key: 'validation.transition', params: { from: 'completed', to: 'approved' } })).toBe('状态不能从“已完成”改为“已审核”');
    expect(issueMessage(english, 'order', { field: 'status', key: 'validation.transition', params: { from: '', to: 'shipped' } })).toBe('A new record cannot start as “Shipped”');
  });
});

describe('record pages', () => {
  it('list child records only through fields that exist and point at the parent', () => {
    for (const [parent, specs] of Object.entries(relatedLists)) {
      for (const spec of specs ?? []) {
        const def = (entities[spec.entity].fields as Record<string, FieldDef>)[spec.field];
        expect(def, `${parent} → ${spec.entity}.${spec.field}`).toBeDefined();
        if (def?.kind === 'ref' || def?.kind === 'refs') expect(def.entity).toBe(parent);
        else expect(def?.kind).toBe('lines');
      }
    }
  });

  it('start a child made on its parent’s page from the parent: references, currency, lines, amount', () => {
    const deal = { id: 'o1', updatedAt: 1, deletedAt: null, name: '二期扩容', accountId: 'a1', contactId: 'c1', currency: 'USD', lines: [line()], amount: 2_304_000 } satisfies RecordData;
    const titles = (_e: string, id: string) => ({ a1: '华为', c1: '张伟' })[id];
    const quote = childDefaults('opportunity', deal, { entity: 'quote', field: 'opportunityId' }, titles, '二期扩容');
    expect(quote.defaults).toEqual({ opportunityId: 'o1', accountId: 'a1', contactId: 'c1', currency: 'USD', lines: [line()], title: '二期扩容' });
    expect(quote.refTitles).toEqual({ opportunityId: '二期扩容', accountId: '华为', contactId: '张伟' });

    const plan = { id: 'pp1', updatedAt: 1, deletedAt: null, contractId: 'k1', title: '首付款', amount: 500_000, currency: 'CNY' } satisfies RecordData;
    expect(childDefaults('payment_plan', plan, { entity: 'payment', field: 'planId' }, () => undefined, '首付款').defaults).toEqual({ planId: 'pp1', contractId: 'k1', currency: 'CNY', amount: 500_000 });
  });

  it('work out an instalment’s status from the payments against it', () => {
    const payments = [
      { id: 'p1', updatedAt: 1, deletedAt: null, planId: 'a', amount: 300 },
      { id: 'p2', updatedAt: 1, deletedAt: null, planId: 'a', amount: 700 },
      { id: 'p3', updatedAt: 1, deletedAt: null, planId: null, amount: 50 },
    ];
    const { total, byPlan } = receivedByPlan(payments);
    expect(total).toBe(1050);
    const plan = (amount: number, plannedDate: string) => ({ id: 'x', updatedAt: 1, deletedAt: null, amount, plannedDate });
    expect(planStatus(plan(1000, '2025-01-01'), byPlan.get('a') ?? 0, '2025-06-01')).toBe('done');
    expect(planStatus(plan(2000, '2025-01-01'), 1000, '2025-06-01')).toBe('partial');
    expect(planStatus(plan(2000, '2025-01-01'), 0, '2025-06-01')).toBe('overdue');
    expect(planStatus(plan(2000, '2025-09-01'), 0, '2025-06-01')).toBe('pending');
  });
});
