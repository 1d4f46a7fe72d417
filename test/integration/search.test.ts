import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../support/core-fixture';

let t: TestCore;
let huawei: string;
let zhangwei: string;
let other: string;

beforeAll(async () => {
  t = openTestCore();
  huawei = (await t.call('record.create', { entity: 'account', values: { name: '华为技术有限公司', city: '深圳', phone: '0755-28780808', email: 'info@huawei.com' } })).id;
  other = (await t.call('record.create', { entity: 'account', values: { name: '杭州恒达智能科技有限公司', city: '杭州' } })).id;
  zhangwei = (
    await t.call('record.create', {
      entity: 'contact',
      values: { name: '张伟', accountId: huawei, mobile: '138 1234 5678', email: 'zhang.wei@huawei.com', title: '采购经理' },
    })
  ).id;
  await t.call('record.create', { entity: 'contact', values: { name: '张伟明', accountId: other, mobile: '13900001111', email: 'weiming@hengda.cn' } });
});
afterAll(() => t.close());

const ids = async (q: string, entity?: 'account' | 'contact') => (await t.call('search.global', entity ? { q, entity } : { q })).hits.map((h) => h.id);

describe('global search', () => {
  it('finds a two-character Chinese name', async () => {
    const hits = await ids('张伟');
    expect(hits).toContain(zhangwei);
    // The exact name ranks above the longer one that contains it.
    expect(hits[0]).toBe(zhangwei);
  });

  it('finds part of a company name, at the start and in the middle', async () => {
    expect(await ids('华为')).toContain(huawei);
    expect(await ids('技术有限')).toContain(huawei);
    expect(await ids('恒达智能', 'account')).toEqual([other]);
  });

  it('finds a contact by the last four digits of the mobile, however it was typed', async () => {
    expect(await ids('5678')).toEqual([zhangwei]);
    expect(await ids('1234 5678')).toEqual([zhangwei]);
    expect(await ids('138')).toContain(zhangwei);
  });

  it('finds by e-mail prefix', async () => {
    expect(await ids('zhang.w')).toEqual([zhangwei]);
    expect(await ids('zhang')).toEqual([zhangwei]);
    expect(await ids('weim')).not.toContain(zhangwei);
  });

  it('returns titles and subtitles for the hit list', async () => {
    const { hits } = await t.call('search.global', { q: '张伟' });
    expect(hits[0]).toEqual({ entity: 'contact', id: zhangwei, title: '张伟', subtitle: '采购经理 · 138 1234 5678' });
  });

  it('finds contacts by their company name and limits hits to one entity when asked', async () => {
    expect(await ids('华为', 'account')).toEqual([huawei]);
    expect(await ids('华为', 'contact')).toEqual([zhangwei]);
    expect(await ids('华为 张伟')).toEqual([zhangwei]);
  });

  it('treats FTS5 syntax in the query as plain text', async () => {
    for (const q of ['"', 'AND', 'NEAR(', '*', '张伟 OR', '-华为', '^', 'title:张伟', "'; DROP TABLE accounts; --"]) {
      const reply = await t.call('search.global', { q });
      expect(Array.isArray(reply.hits)).toBe(true);
    }
    expect((await t.call('record.list', { entity: 'account' })).total).toBe(2);
  });

  it('follows edits: a renamed account is found by its new name only, and so are its contacts', async () => {
    await t.call('record.update', { entity: 'account', id: other, values: { name: '杭州恒星软件有限公司' } });
    expect(await ids('恒星', 'account')).toEqual([other]);
    expect(await ids('恒星', 'contact')).toHaveLength(1);
    expect(await ids('恒达智能')).toEqual([]);
  });

  it('returns nothing for empty or punctuation-only input', async () => {
    expect(await ids('')).toEqual([]);
    expect(await ids('  ,。!')).toEqual([]);
  });

  it('keeps an entry whose text did not change, and purges replaced entries in batches', async () => {
    const sqlite = t.core.replica.sqlite;
    const docOf = (id: string) => (sqlite.prepare('SELECT doc_id FROM search_doc WHERE record_id = ?').get(id) as { doc_id: number }).doc_id;
    const dead = () => (sqlite.prepare('SELECT count(*) AS n FROM search_dead').get() as { n: number }).n;
    const acc = (await t.call('record.create', { entity: 'account', values: { name: '宁波港口物流有限公司', phone: '0574-86001234' } })).id;
    const first = docOf(acc);
    // Level is not searchable: same text, same entry.
    await t.call('record.update', { entity: 'account', id: acc, values: { level: 'A' } });
    expect(docOf(acc)).toBe(first);
    // A new phone is: a new entry; the old one is out of search at once, its FTS row waits.
    const before = dead();
    await t.call('record.update', { entity: 'account', id: acc, values: { phone: '0574-86009999' } });
    expect(docOf(acc)).not.toBe(first);
    expect(dead()).toBe(before + 1);
    expect(await ids('86009999')).toContain(acc);
    expect(await ids('86001234')).not.toContain(acc);
    // Enough replaced entries and they are deleted together; search stays right throughout.
    for (let i = 0; i < 520; i++) await t.call('record.update', { entity: 'account', id: acc, values: { phone: `0574-8${String(i).padStart(7, '0')}` } });
    expect(dead()).toBeLessThan(500);
    const fts = (sqlite.prepare('SELECT count(*) AS n FROM search_fts').get() as { n: number }).n;
    const docs = (sqlite.prepare('SELECT count(*) AS n FROM search_doc').get() as { n: number }).n;
    expect(fts).toBe(docs + dead());
    expect(await ids('80000519')).toEqual([acc]);
    expect(await ids('80000518')).toEqual([]);
  });
});
