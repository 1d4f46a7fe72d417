import { describe, expect, it } from 'vitest';
import { generateDemoBatches, generateDemoData, type DemoAccount, type DemoContact } from '../../src-shared/seed/demo-data';
import { validateValues } from '../../src-shared/entities/record.schema';

const NOW = Date.UTC(2025, 5, 2, 2, 30); // 2025-06-02 10:30 in Beijing
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Independent check of GB 32100 check characters, so the generator's own code is not its judge. */
function creditCodeValid(code: string): boolean {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(code.charAt(i)) * weights[i]!;
  return chars.charAt((31 - (sum % 31)) % 31) === code.charAt(17);
}

function byAccount(contacts: DemoContact[]): Map<string, DemoContact[]> {
  const out = new Map<string, DemoContact[]>();
  for (const c of contacts) {
    const list = out.get(c.accountId) ?? [];
    list.push(c);
    out.set(c.accountId, list);
  }
  return out;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

describe('demo data generator', () => {
  const big = generateDemoData({ accounts: 3000, now: NOW });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateDemoData({ accounts: 50, seed: 42, now: NOW });
    const b = generateDemoData({ accounts: 50, seed: 42, now: NOW });
    const c = generateDemoData({ accounts: 50, seed: 43, now: NOW });
    expect(b).toEqual(a);
    expect(c.accounts.map((x) => x.values.name)).not.toEqual(a.accounts.map((x) => x.values.name));
    expect(c.accounts.map((x) => x.id)).not.toEqual(a.accounts.map((x) => x.id));
  });

  it('keeps what users see independent of `now`; only timestamps move', () => {
    const strip = (rows: DemoAccount[]) => rows.map(({ values }) => ({ ...values, lastFollowUpAt: 0, nextFollowUpAt: 0, pooledAt: 0 }));
    const a = generateDemoData({ accounts: 50, now: NOW });
    const b = generateDemoData({ accounts: 50, now: NOW + 40 * 86_400_000 });
    expect(strip(b.accounts)).toEqual(strip(a.accounts));
    expect(b.contacts.map((c) => c.values.mobile)).toEqual(a.contacts.map((c) => c.values.mobile));
  });

  it('produces accounts that validate with no issues, already in their stored form', () => {
    for (const a of big.accounts) {
      // poolState, lastFollowUpAt and the pool's dates are system fields: the seeder writes them as a core workflow.
      const out = validateValues('account', a.values, 'create', { allowSystem: true });
      expect(out.issues, a.values.name as string).toEqual([]);
      // Validation fills the server-assigned customer number with null; the generator leaves it out.
      expect(out.values).toEqual({ ...a.values, customerNo: null });
      // As a plain form submission, the only complaint is about those system fields.
      const asForm = validateValues('account', a.values, 'create');
      expect(asForm.issues.every((i) => i.key === 'validation.readOnly' && ['poolState', 'lastFollowUpAt', 'previousOwnerId', 'pooledAt', 'poolReason', 'ownedSince'].includes(i.field))).toBe(true);
    }
  });

  it('produces contacts that validate with no issues, already in their stored form', () => {
    expect(big.contacts.length).toBeGreaterThan(3000);
    for (const c of big.contacts) {
      const out = validateValues('contact', c.values, 'create');
      expect(out.issues, c.values.name as string).toEqual([]);
      expect(out.values).toEqual(c.values);
    }
  });

  it('generates the counts asked for', () => {
    expect(big.accounts).toHaveLength(3000);
    for (const list of byAccount(big.contacts).values()) expect(list.length).toBeGreaterThanOrEqual(1);
    for (const [min, max] of [
      [2, 4],
      [0, 0],
      [3, 3],
    ] as [number, number][]) {
      const data = generateDemoData({ accounts: 300, contactsPerAccount: [min, max], now: NOW });
      expect(data.accounts).toHaveLength(300);
      const groups = byAccount(data.contacts);
      for (const a of data.accounts) {
        const n = groups.get(a.id)?.length ?? 0;
        expect(n).toBeGreaterThanOrEqual(min);
        expect(n).toBeLessThanOrEqual(max);
      }
      if (min === max) expect(data.contacts).toHaveLength(300 * min);
    }
    expect(generateDemoData({ accounts: 0, now: NOW })).toEqual({ accounts: [], contacts: [] });
  });

  it('links every contact to an existing account, with exactly one primary contact each', () => {
    const ids = new Set(big.accounts.map((a) => a.id));
    for (const c of big.contacts) {
      expect(ids.has(c.accountId)).toBe(true);
      expect(c.values.accountId).toBe(c.accountId);
    }
    const groups = byAccount(big.contacts);
    expect(groups.size).toBe(big.accounts.length);
    for (const list of groups.values()) {
      expect(list.filter((c) => c.values.isPrimary === true)).toHaveLength(1);
      expect(list[0]?.values.isPrimary).toBe(true);
    }
  });

  it('gives UUIDv7 ids that are unique, in creation order and not in the future', () => {
    const all = [...big.accounts.map((a) => a.id), ...big.contacts.map((c) => c.id)];
    for (const id of all) expect(id).toMatch(UUID_V7);
    expect(new Set(all).size).toBe(all.length);
    const ts = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    const accountTs = big.accounts.map((a) => ts(a.id));
    for (let i = 1; i < accountTs.length; i++) expect(accountTs[i]!).toBeGreaterThan(accountTs[i - 1]!);
    expect(accountTs[0]!).toBeGreaterThan(NOW - 4 * 365 * 86_400_000);
    for (const id of all) expect(ts(id)).toBeLessThanOrEqual(NOW);
  });

  it('streams the same records in the batch sizes asked for', () => {
    const batches = [...generateDemoBatches({ accounts: 2500, batchSize: 1000, seed: 9, now: NOW })];
    expect(batches.map((b) => b.accounts.length)).toEqual([1000, 1000, 500]);
    const whole = generateDemoData({ accounts: 2500, seed: 9, now: NOW });
    expect(batches.flatMap((b) => b.accounts)).toEqual(whole.accounts);
    expect(batches.flatMap((b) => b.contacts)).toEqual(whole.contacts);
    for (const b of batches) {
      const ids = new Set(b.accounts.map((a) => a.id));
      for (const c of b.contacts) expect(ids.has(c.accountId)).toBe(true);
    }
  });

  it('has a 张伟 for the search demo with the default seed', () => {
    const data = generateDemoData({ accounts: 200 });
    expect(data.contacts.some((c) => c.values.name === '张伟')).toBe(true);
    expect(data.contacts[0]?.values.name).toBe('张伟');
    expect(generateDemoData({ accounts: 1, seed: 7 }).contacts[0]?.values.name).toBe('张伟');
  });

  it('looks like a real customer base', () => {
    const accounts = big.accounts.map((a) => a.values);
    const count = (pred: (v: Record<string, unknown>) => boolean) => accounts.filter(pred).length;
    const levels = { A: count((v) => v.level === 'A'), B: count((v) => v.level === 'B'), C: count((v) => v.level === 'C') };
    expect(levels.A).toBeGreaterThan(0);
    expect(levels.A).toBeLessThan(levels.B);
    expect(levels.B).toBeLessThan(levels.C);
    expect(count((v) => v.type === 'individual')).toBeGreaterThan(50);
    expect(count((v) => v.type === 'individual')).toBeLessThan(600);
    expect(count((v) => v.status === 'normal')).toBeGreaterThan(accounts.length * 0.9);
    expect(count((v) => v.poolState === 'owned')).toBeGreaterThan(accounts.length * 0.8);
    expect(count((v) => v.poolState === 'pool')).toBeGreaterThan(0);
    expect(new Set(accounts.map((v) => v.source)).size).toBe(6);
    expect(new Set(accounts.map((v) => v.industry)).size).toBeGreaterThanOrEqual(14);
    expect(count((v) => typeof v.notes === 'string')).toBeGreaterThan(0);
    expect(count((v) => v.nextFollowUpAt === null)).toBeGreaterThan(0);
    expect(count((v) => typeof v.nextFollowUpAt === 'number' && v.nextFollowUpAt < NOW)).toBeGreaterThan(0);

    const provinceOf = new Map<string, string>();
    const areaOf = new Map<string, string>();
    const districtsOf = new Map<string, Set<string>>();
    for (const v of accounts) {
      const tags = v.tags as string[];
      expect(tags.length).toBeLessThanOrEqual(3);
      expect(new Set(tags).size).toBe(tags.length);
      if (typeof v.lastFollowUpAt === 'number') expect(v.lastFollowUpAt).toBeLessThanOrEqual(NOW);
      if (typeof v.lastFollowUpAt === 'number' && typeof v.nextFollowUpAt === 'number') expect(v.nextFollowUpAt).toBeGreaterThan(v.lastFollowUpAt);
      if (v.type === 'individual') {
        expect(v.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
        expect(v.industry).toBeNull();
        expect(v.creditCode).toBeNull();
        continue;
      }
      if (v.industry === 'government') expect(v.name).toMatch(/(局|委员会|中心)$/);
      else expect(v.name).toMatch(/有限(责任)?公司$/);
      if (v.creditCode !== null) expect(creditCodeValid(str(v.creditCode))).toBe(true);
      if (v.email !== null && v.website !== null) expect(str(v.website)).toBe(`https://www.${str(v.email).split('@')[1]}`);
      if (v.city === null) continue;
      expect(str(v.street)).toMatch(/^\S+ \d+ 号/);
      const city = str(v.city);
      expect(provinceOf.get(city) ?? v.province).toBe(v.province);
      provinceOf.set(city, str(v.province));
      const districts = districtsOf.get(city) ?? new Set<string>();
      districts.add(str(v.district));
      districtsOf.set(city, districts);
      if (v.phone !== null) {
        const area = str(v.phone).split('-')[0]!;
        expect(areaOf.get(city) ?? area).toBe(area);
        areaOf.set(city, area);
      }
    }
    expect(provinceOf.size).toBeGreaterThanOrEqual(20);
    expect(areaOf.get('杭州市')).toBe('0571');
    expect(areaOf.get('北京市')).toBe('010');
    expect(areaOf.get('深圳市')).toBe('0755');
    expect(provinceOf.get('成都市')).toBe('四川省');
    for (const d of districtsOf.values()) expect(d.size).toBeLessThanOrEqual(5);

    const codes = accounts.map((v) => v.creditCode).filter((c) => c !== null);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('gives contacts Chinese names, real mobile prefixes, unique mobiles and pinyin mailboxes', () => {
    const contacts = big.contacts.map((c) => c.values);
    const mobiles = contacts.map((c) => str(c.mobile));
    for (const m of mobiles) expect(m).toMatch(/^1(3\d|5[0-35-9]|66|7[37]|8\d|9[189])\d{8}$/);
    expect(new Set(mobiles).size).toBe(mobiles.length);
    for (const c of contacts) {
      expect(c.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      if (c.email !== null) expect(str(c.email)).toMatch(/^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}$/);
      if (c.birthday !== null) expect(str(c.birthday)).toMatch(/^(19[6-9]\d|200[0-2])-\d{2}-\d{2}$/);
    }
    const some = (pred: (v: Record<string, unknown>) => boolean) => contacts.some(pred);
    expect(some((c) => c.phone !== null)).toBe(true);
    expect(some((c) => c.wechat !== null)).toBe(true);
    expect(some((c) => c.birthday !== null)).toBe(true);
    expect(some((c) => c.decisionRole === 'decision_maker')).toBe(true);
    expect(some((c) => c.title === 'IT 主管')).toBe(true);
    const first = big.contacts[0]!;
    const firstAccount = big.accounts[0]!;
    expect(first.accountId).toBe(firstAccount.id);
    const [mailbox, domain] = str(first.values.email).split('@');
    if (domain && str(firstAccount.values.website).endsWith(domain)) expect(mailbox).toMatch(/^(zhang\.?w(ei)?|wei\.zhang)$/);
  });

  it('rejects nonsensical options', () => {
    expect(() => generateDemoData({ accounts: -1 })).toThrow(RangeError);
    expect(() => generateDemoData({ accounts: 10, contactsPerAccount: [3, 1] })).toThrow(RangeError);
    expect(() => [...generateDemoBatches({ accounts: 10, batchSize: 0 })]).toThrow(RangeError);
  });

  it('streams 100,000 accounts quickly', () => {
    const t0 = performance.now();
    let accounts = 0;
    let contacts = 0;
    let largest = 0;
    for (const b of generateDemoBatches({ accounts: 100_000, seed: 7, batchSize: 1000 })) {
      accounts += b.accounts.length;
      contacts += b.contacts.length;
      largest = Math.max(largest, b.accounts.length);
    }
    expect(accounts).toBe(100_000);
    expect(contacts).toBeGreaterThan(180_000);
    expect(contacts).toBeLessThan(220_000);
    expect(largest).toBe(1000);
    // Generous against a busy CI machine; it measures about 1.5 s on a quiet one.
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
