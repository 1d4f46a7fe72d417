import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/core/dispatch';
import { openTestCore, type TestCore } from '../support/core-fixture';

let t: TestCore;
beforeEach(() => {
  t = openTestCore();
});
afterEach(() => t.close());

const outboxRows = () => t.core.replica.sqlite.prepare('SELECT entity, record_id, op, changes, base FROM outbox ORDER BY seq').all() as {
  entity: string;
  record_id: string;
  op: string;
  changes: string;
  base: string;
}[];

describe('creating and editing records', () => {
  it('stores a valid account with defaults, normalised phone and an outbox entry', async () => {
    const account = await t.call('record.create', { entity: 'account', values: { name: ' 华为技术有限公司 ', phone: '+86 755 2878 0808', email: 'Info@Huawei.COM', level: 'A' } });
    expect(account.name).toBe('华为技术有限公司');
    expect(account.phone).toBe('0755-28780808');
    expect(account.email).toBe('info@huawei.com');
    expect(account.type).toBe('company');
    expect(account.status).toBe('normal');
    expect(account.tags).toEqual([]);
    expect(account.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const outbox = outboxRows();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ entity: 'account', record_id: account.id, op: 'create' });
    expect(JSON.parse(outbox[0]!.changes)).toMatchObject({ name: '华为技术有限公司', level: 'A' });
  });

  it('refuses invalid values with one issue per field and writes nothing', async () => {
    const reply = await dispatch(t.core.handlers, 'record.create', { entity: 'account', values: { name: '', phone: '12345', level: 'Z', email: 'no-at-sign' } });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('VALIDATION');
    const byField = Object.fromEntries((reply.error.issues ?? []).map((i) => [i.field, i.key]));
    expect(byField).toEqual({ name: 'validation.required', phone: 'validation.phone', level: 'validation.enum', email: 'validation.email' });
    expect(outboxRows()).toHaveLength(0);
    expect((await t.call('record.list', { entity: 'account' })).total).toBe(0);
  });

  it('refuses a contact whose account does not exist', async () => {
    const reply = await dispatch(t.core.handlers, 'record.create', { entity: 'contact', values: { name: '张伟', accountId: 'missing' } });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.issues).toEqual([{ field: 'accountId', key: 'validation.ref' }]);
  });

  it('records only the changed fields of an update, with their previous values as base', async () => {
    const a = await t.call('record.create', { entity: 'account', values: { name: '杭州恒达科技有限公司', city: '杭州', level: 'B' } });
    const updated = await t.call('record.update', { entity: 'account', id: a.id, values: { name: '杭州恒达科技有限公司', level: 'A' } });
    expect(updated.level).toBe('A');
    const last = outboxRows().at(-1)!;
    expect(last.op).toBe('update');
    expect(JSON.parse(last.changes)).toEqual({ level: 'A' });
    expect(JSON.parse(last.base)).toEqual({ level: 'B' });
    // An update that changes nothing is not a change.
    await t.call('record.update', { entity: 'account', id: a.id, values: { level: 'A' } });
    expect(outboxRows()).toHaveLength(2);
  });

  it('does not let a form clear a required field or set a system field', async () => {
    const a = await t.call('record.create', { entity: 'account', values: { name: '北京华信' } });
    const cleared = await dispatch(t.core.handlers, 'record.update', { entity: 'account', id: a.id, values: { name: '  ' } });
    expect(cleared.ok || cleared.error.issues).toEqual([{ field: 'name', key: 'validation.required' }]);
    const system = await dispatch(t.core.handlers, 'record.update', { entity: 'account', id: a.id, values: { lastFollowUpAt: 1 } });
    expect(system.ok || system.error.issues).toEqual([{ field: 'lastFollowUpAt', key: 'validation.readOnly' }]);
  });

  it('rolls the row back when the outbox write fails in the same transaction', async () => {
    t.core.replica.sqlite.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
    const reply = await dispatch(t.core.handlers, 'record.create', { entity: 'account', values: { name: '不会留下的客户' } });
    expect(reply.ok).toBe(false);
    expect((t.core.replica.sqlite.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n).toBe(0);
    expect((t.core.replica.sqlite.prepare('SELECT count(*) AS n FROM search_doc').get() as { n: number }).n).toBe(0);
  });
});

describe('delete and undo', () => {
  it('tombstones an account with its contacts and restores exactly those', async () => {
    const a = await t.call('record.create', { entity: 'account', values: { name: '成都天府餐饮管理有限公司' } });
    const c1 = await t.call('record.create', { entity: 'contact', values: { name: '李娜', accountId: a.id, mobile: '13912345678' } });
    const c2 = await t.call('record.create', { entity: 'contact', values: { name: '王强', accountId: a.id } });
    // Deleted before the account: must stay deleted when the account comes back.
    await t.call('record.delete', { entity: 'contact', id: c2.id });
    const { deleted } = await t.call('record.delete', { entity: 'account', id: a.id });
    expect(deleted).toBe(2);
    expect((await t.call('record.list', { entity: 'contact' })).total).toBe(0);
    expect((await t.call('search.global', { q: '李娜' })).hits).toHaveLength(0);
    const getReply = await dispatch(t.core.handlers, 'record.get', { entity: 'account', id: a.id });
    expect(getReply.ok || getReply.error.code).toBe('NOT_FOUND');
    // The rows are still there as tombstones for undo and sync.
    expect(t.core.records.find('account', a.id)?.deletedAt).toBeTypeOf('number');

    const restored = await t.call('record.restore', { entity: 'account', id: a.id });
    expect(restored.deletedAt).toBeNull();
    const contacts = await t.call('record.list', { entity: 'contact' });
    expect(contacts.rows.map((r) => r.id)).toEqual([c1.id]);
    expect((await t.call('search.global', { q: '李娜' })).hits.map((h) => h.id)).toEqual([c1.id]);
    expect(outboxRows().map((r) => r.op)).toEqual(['create', 'create', 'create', 'delete', 'delete', 'delete', 'restore', 'restore']);
  });

  it('will not restore a contact while its account is deleted', async () => {
    const a = await t.call('record.create', { entity: 'account', values: { name: '深圳华信电子' } });
    const c = await t.call('record.create', { entity: 'contact', values: { name: '赵敏', accountId: a.id } });
    await t.call('record.delete', { entity: 'account', id: a.id });
    const reply = await dispatch(t.core.handlers, 'record.restore', { entity: 'contact', id: c.id });
    expect(reply.ok || reply.error.code).toBe('VALIDATION');
  });
});

describe('listing for the grid', () => {
  beforeEach(async () => {
    const rows = [
      { name: '甲 公司', level: 'A', industry: 'it', city: '杭州' },
      { name: '乙 公司', level: 'B', industry: 'it', city: '北京' },
      { name: '丙 公司', level: 'C', industry: 'finance', city: '上海' },
      { name: '丁 100%_特殊', level: 'A', industry: 'finance', city: '杭州', tags: ['重点客户', '老客户'] },
    ];
    for (const values of rows) await t.call('record.create', { entity: 'account', values });
  });

  it('sorts, filters and pages with a total', async () => {
    const page = await t.call('record.list', { entity: 'account', sort: [{ field: 'name', dir: 'asc' }], filters: [{ field: 'level', op: 'in', value: ['A', 'B'] }], limit: 2 });
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.name)).toEqual(['丁 100%_特殊', '乙 公司']);
    const next = await t.call('record.list', { entity: 'account', sort: [{ field: 'name', dir: 'asc' }], filters: [{ field: 'level', op: 'in', value: ['A', 'B'] }], limit: 2, offset: 2 });
    expect(next.rows.map((r) => r.name)).toEqual(['甲 公司']);
  });

  it('treats % and _ in a contains filter literally', async () => {
    const page = await t.call('record.list', { entity: 'account', filters: [{ field: 'name', op: 'contains', value: '100%_' }] });
    expect(page.rows.map((r) => r.name)).toEqual(['丁 100%_特殊']);
    const none = await t.call('record.list', { entity: 'account', filters: [{ field: 'name', op: 'contains', value: '%' }] });
    expect(none.total).toBe(1);
  });

  it('combines filters, tag matches and the quick filter', async () => {
    const hz = await t.call('record.list', { entity: 'account', filters: [{ field: 'city', op: 'eq', value: '杭州' }, { field: 'industry', op: 'eq', value: 'finance' }] });
    expect(hz.rows.map((r) => r.name)).toEqual(['丁 100%_特殊']);
    const tagged = await t.call('record.list', { entity: 'account', filters: [{ field: 'tags', op: 'eq', value: '老客户' }] });
    expect(tagged.total).toBe(1);
    const quick = await t.call('record.list', { entity: 'account', quick: '北京' });
    expect(quick.rows.map((r) => r.name)).toEqual(['乙 公司']);
  });

  it('rejects unknown fields in sorts and filters as bad requests, not crashes', async () => {
    const reply = await dispatch(t.core.handlers, 'record.list', { entity: 'account', sort: [{ field: 'nope', dir: 'asc' }] });
    expect(reply.ok || reply.error.code).toBe('BAD_REQUEST');
    const badOp = await dispatch(t.core.handlers, 'record.list', { entity: 'account', filters: [{ field: 'name', op: 'regex', value: 'x' }] });
    expect(badOp.ok || badOp.error.code).toBe('BAD_REQUEST');
    const unknownMethod = await dispatch(t.core.handlers, 'record.drop', {});
    expect(unknownMethod.ok || unknownMethod.error.code).toBe('UNKNOWN_METHOD');
  });
});

describe('settings and status', () => {
  it('persists settings across reopen and reports pending changes', async () => {
    await t.call('settings.set', { key: 'ui.locale', value: 'en' });
    await t.call('record.create', { entity: 'account', values: { name: '测试' } });
    expect((await t.call('sync.status', {})).pending).toBe(1);
    expect((await t.call('app.info', {})).locale).toBe('en');
    const userId = (await t.call('app.info', {})).user.id;
    const dir = t.dir;
    t.core.close();
    const again = openTestCore({ dir });
    try {
      expect(await again.call('settings.get', { key: 'ui.locale' })).toBe('en');
      expect((await again.call('app.info', {})).user.id).toBe(userId);
      expect((await again.call('sync.status', {})).pending).toBe(1);
    } finally {
      again.core.close();
    }
    t = openTestCore();
  });

  it('picks zh-CN for a Chinese OS locale until the user chooses', async () => {
    expect((await t.call('app.info', {})).locale).toBe('zh-CN');
  });
});

describe('looking records up by id', () => {
  it('lists a batch of ids with an in filter, leaving out deleted ones', async () => {
    const a = await t.call('record.create', { entity: 'account', values: { name: '甲' } });
    const b = await t.call('record.create', { entity: 'account', values: { name: '乙' } });
    const c = await t.call('record.create', { entity: 'account', values: { name: '丙' } });
    await t.call('record.delete', { entity: 'account', id: c.id });
    const { rows } = await t.call('record.list', { entity: 'account', filters: [{ field: 'id', op: 'in', value: [a.id, b.id, c.id, 'missing'] }], withTotal: false });
    expect(rows.map((r) => r.name).sort()).toEqual(['乙', '甲']);
  });
});
