import { describe, expect, it } from 'vitest';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { checkForm, formSections, fromLocalDateTimeInput, initialFormState, toLocalDateTimeInput } from '../../src-renderer/forms/form-values';

describe('record form values', () => {
  it('groups editable fields by section and leaves system fields out of a new record', () => {
    const sections = formSections('account');
    expect(sections.map((s) => s.section)).toEqual(['basic', 'contact', 'address', 'followUp']);
    const names = sections.flatMap((s) => s.fields.map((f) => f.name));
    expect(names).toContain('name');
    expect(names).not.toContain('poolState');
    expect(names).not.toContain('lastFollowUpAt');
    expect(formSections('account', { includeSystem: true }).flatMap((s) => s.fields.map((f) => f.name))).toContain('poolState');
  });

  it('starts a new account with the definition defaults', () => {
    const state = initialFormState('account');
    expect(state.type).toBe('company');
    expect(state.status).toBe('normal');
    expect(state.name).toBe('');
  });

  it('reports a missing required name and a malformed phone with i18n keys', () => {
    const state = { ...initialFormState('account'), phone: '123' };
    const { issues } = checkForm('account', state);
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name', key: 'validation.required' }), expect.objectContaining({ field: 'phone', key: 'validation.phone' })]));
  });

  it('sends normalised values on create, without system fields the core would refuse', () => {
    const state = { ...initialFormState('account'), name: ' 华为技术有限公司 ', phone: '0755 2878 0808', tags: '重点, 华南，5G' };
    const { values, issues } = checkForm('account', state);
    expect(issues).toEqual([]);
    expect(values).toMatchObject({ name: '华为技术有限公司', phone: '0755-28780808', tags: ['重点', '华南', '5G'], type: 'company' });
    expect(values).not.toHaveProperty('poolState');
    expect(values).not.toHaveProperty('lastFollowUpAt');
  });

  it('sends only the changed fields on update', () => {
    const record = {
      id: 'c1',
      updatedAt: 1,
      deletedAt: null,
      accountId: 'a1',
      name: '张伟',
      title: '采购经理',
      decisionRole: null,
      isPrimary: false,
      birthday: null,
      mobile: '13812345678',
      phone: null,
      email: null,
      wechat: null,
    } satisfies RecordData;
    const state = { ...initialFormState('contact', record), title: '采购总监', mobile: '138 1234 5678' };
    expect(checkForm('contact', state, record)).toEqual({ values: { title: '采购总监' }, issues: [] });
  });

  it('round-trips a local date and time through the datetime-local input format', () => {
    const ms = new Date(2025, 4, 6, 9, 30).getTime();
    expect(toLocalDateTimeInput(ms)).toBe('2025-05-06T09:30');
    expect(fromLocalDateTimeInput('2025-05-06T09:30')).toBe(ms);
    const state = { ...initialFormState('account'), name: 'x', nextFollowUpAt: '2025-05-06T09:30' };
    expect(checkForm('account', state).values.nextFollowUpAt).toBe(ms);
  });
});
