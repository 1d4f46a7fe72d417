import { describe, expect, it } from 'vitest';
import { getTableColumns } from 'drizzle-orm';
import { entityTables } from '../../src-main/core/db/schema';
import { entities, entityNames, snakeCase, type FieldDef } from '../../src-shared/entities/index';
import { validateValues } from '../../src-shared/entities/record.schema';
import { en } from '../../src-shared/i18n/en';
import { enumLabelKey, fieldLabelKey, translate } from '../../src-shared/i18n/index';
import { zhCN } from '../../src-shared/i18n/zh-CN';

describe('entity definitions', () => {
  it('give every field, enum value and section a label in both languages', () => {
    for (const name of entityNames) {
      const def = entities[name];
      for (const [field, fd] of Object.entries(def.fields as Record<string, FieldDef>)) {
        const key = fieldLabelKey(name, field);
        expect(zhCN, `zh-CN label ${key}`).toHaveProperty([key]);
        expect(en, `en label ${key}`).toHaveProperty([key]);
        if (fd.kind === 'enum') {
          for (const v of fd.values) {
            expect(zhCN, `zh-CN ${enumLabelKey(fd.enumName, v)}`).toHaveProperty([enumLabelKey(fd.enumName, v)]);
            expect(en).toHaveProperty([enumLabelKey(fd.enumName, v)]);
          }
        }
        if (fd.section) expect(def.sections).toContain(fd.section);
      }
      for (const section of def.sections) expect(zhCN).toHaveProperty([`section.${section}`]);
    }
  });

  it('are the source of the replica tables: one column per field, snake_cased', () => {
    for (const name of entityNames) {
      const cols = getTableColumns(entityTables[name]) as Record<string, { name: string }>;
      for (const field of Object.keys(entities[name].fields)) expect(cols[field]?.name).toBe(snakeCase(field));
      for (const sys of ['id', 'ownerId', 'createdAt', 'updatedAt', 'deletedAt']) expect(cols).toHaveProperty([sys]);
    }
  });

  it('cover what DOMAIN.md lists for accounts and contacts', () => {
    expect(Object.keys(entities.account.fields)).toEqual(
      expect.arrayContaining(['name', 'type', 'industry', 'size', 'level', 'source', 'phone', 'email', 'province', 'city', 'district', 'street', 'website', 'tags', 'status', 'poolState', 'lastFollowUpAt', 'nextFollowUpAt']),
    );
    expect(Object.keys(entities.contact.fields)).toEqual(
      expect.arrayContaining(['accountId', 'name', 'title', 'mobile', 'phone', 'email', 'wechat', 'birthday', 'decisionRole', 'isPrimary']),
    );
  });
});

describe('validation', () => {
  it('applies defaults and normalises on create', () => {
    const { values, issues } = validateValues('account', { name: '华为', tags: '重点客户，老客户' }, 'create');
    expect(issues).toEqual([]);
    expect(values).toMatchObject({ name: '华为', type: 'company', status: 'normal', poolState: 'owned', tags: ['重点客户', '老客户'], phone: null });
  });

  it('reports the length limit with its parameter', () => {
    const { issues } = validateValues('account', { name: 'x'.repeat(201) }, 'create');
    expect(issues).toEqual([{ field: 'name', key: 'validation.tooLong', params: { max: 200 } }]);
    expect(translate('zh-CN', issues[0]!.key, issues[0]!.params)).toBe('不能超过 200 个字符');
  });

  it('checks calendar dates, not only their shape', () => {
    expect(validateValues('contact', { birthday: '1990-02-30' }, 'update').issues).toEqual([{ field: 'birthday', key: 'validation.date' }]);
    expect(validateValues('contact', { birthday: '1990-02-28' }, 'update').issues).toEqual([]);
  });

  it('requires required fields on create only when missing', () => {
    const { issues } = validateValues('contact', { name: '张伟' }, 'create');
    expect(issues).toEqual([{ field: 'accountId', key: 'validation.required' }]);
    expect(validateValues('contact', { title: '经理' }, 'update').issues).toEqual([]);
  });

  it('refuses unknown fields', () => {
    expect(validateValues('account', { nmae: 'x' }, 'update').issues).toEqual([{ field: 'nmae', key: 'validation.unknownField' }]);
  });
});
