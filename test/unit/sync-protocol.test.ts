import { describe, expect, it } from 'vitest';
import { clientMessage, MAX_PUSH_MUTATIONS, parseSnapshotPage, serverMessage } from '../../src-shared/sync/protocol.contract';

/** The examples in docs/sync-protocol.md, checked against the schemas both sides will use. */
describe('sync protocol messages', () => {
  it('accepts the documented client messages', () => {
    expect(clientMessage.safeParse({ type: 'hello', protocol: 1, schema: 2, token: 'x'.repeat(43), cursor: 18231 }).success).toBe(true);
    expect(
      clientMessage.safeParse({
        type: 'push',
        id: 7,
        mutations: [{ seq: 412, entity: 'account', recordId: '0194', op: 'update', changes: { phone: '0571-88881234' }, base: { phone: '0571-88880000' }, baseVersion: 18190 }],
      }).success,
    ).toBe(true);
    const pull = clientMessage.parse({ type: 'pull', id: 8, cursor: 18231 });
    expect(pull).toEqual({ type: 'pull', id: 8, cursor: 18231, limit: 1000 });
  });

  it('accepts the documented server messages', () => {
    const results = serverMessage.parse({
      type: 'pushResult',
      id: 7,
      results: [
        { seq: 412, status: 'applied', version: 18420 },
        { seq: 413, status: 'applied', version: 18421, assigned: { number: 'C-000123' } },
        { seq: 414, status: 'conflict', version: 18422, applied: { industry: 'it' }, lost: [{ field: 'phone', mine: 'a', theirs: 'b', by: { userId: 'u', name: '李娜' }, at: 1, cn: 18301 }] },
        { seq: 415, status: 'conflict', version: 18350, deleted: { by: { userId: 'u', name: '王强' }, at: 1 } },
        { seq: 416, status: 'rejected', code: 'VALIDATION', message: 'name required', issues: [{ field: 'name', key: 'validation.required' }] },
      ],
    });
    expect(results.type).toBe('pushResult');
    expect(
      serverMessage.safeParse({
        type: 'changes',
        id: 8,
        cursor: 18412,
        hasMore: false,
        changes: [
          { cn: 18300, entity: 'account', recordId: 'a', op: 'upsert', version: 18300, fields: { level: 'A' } },
          { cn: 18310, entity: 'contact', recordId: 'c', op: 'delete', version: 18310 },
          { cn: 18320, entity: 'account', recordId: 'b', op: 'remove' },
        ],
      }).success,
    ).toBe(true);
  });

  it('refuses what the server must never act on', () => {
    const base = { seq: 1, entity: 'account', recordId: 'a', op: 'update', changes: {}, base: {} };
    expect(clientMessage.safeParse({ type: 'push', id: 1, mutations: [] }).success).toBe(false);
    expect(clientMessage.safeParse({ type: 'push', id: 1, mutations: Array.from({ length: MAX_PUSH_MUTATIONS + 1 }, (_, i) => ({ ...base, seq: i + 1 })) }).success).toBe(false);
    expect(clientMessage.safeParse({ type: 'push', id: 1, mutations: [{ ...base, entity: 'invoice' }] }).success).toBe(false);
    expect(clientMessage.safeParse({ type: 'push', id: 1, mutations: [{ ...base, op: 'truncate' }] }).success).toBe(false);
    expect(clientMessage.safeParse({ type: 'push', id: 1, mutations: [{ ...base, changes: { name: { nested: true } } }] }).success).toBe(false);
    expect(clientMessage.safeParse({ type: 'pull', id: 1, cursor: -1 }).success).toBe(false);
    expect(clientMessage.safeParse({ type: 'drop' }).success).toBe(false);
  });
});

describe('sync error messages', () => {
  it('have a zh-CN and an en text for every connection-level code', async () => {
    const { connectionErrorCodes, connectionErrorKey } = await import('../../src-shared/sync/protocol.contract');
    const { isMessageKey, translate } = await import('../../src-shared/i18n/index');
    for (const code of connectionErrorCodes) {
      const key = connectionErrorKey(code);
      expect(isMessageKey(key), key).toBe(true);
      expect(translate('zh-CN', key)).not.toBe(translate('en', key));
    }
  });
});

describe('parseSnapshotPage', () => {
  const page = { asOf: 7, columns: ['id', 'version', 'name'], rows: [['a', 1, '甲'], ['b', 2, null]], next: 'b', total: 2 };
  it('accepts a page whose rows are as wide as its columns, without copying them', () => {
    const parsed = parseSnapshotPage(page);
    expect(parsed).toEqual(page);
    expect(parsed?.rows).toBe(page.rows);
  });
  it('refuses a short row, a row that is not an array, and a broken envelope', () => {
    expect(parseSnapshotPage({ ...page, rows: [['a', 1]] })).toBeNull();
    expect(parseSnapshotPage({ ...page, rows: [{ id: 'a' }] })).toBeNull();
    expect(parseSnapshotPage({ ...page, rows: 'x' })).toBeNull();
    expect(parseSnapshotPage({ ...page, asOf: 'x' })).toBeNull();
    expect(parseSnapshotPage({ ...page, columns: [1, 2, 3] })).toBeNull();
    expect(parseSnapshotPage(null)).toBeNull();
  });
});

describe('line items on the wire', () => {
  const push = (lines: unknown) => clientMessage.safeParse({ type: 'push', id: 1, mutations: [{ seq: 1, entity: 'quote', recordId: 'q1', op: 'update', changes: { lines }, base: {} }] });
  it('carries line items of the stored shape', () => {
    expect(push([{ productId: null, name: '射频模块', code: null, unit: '个', qty: 4, unitPrice: 1_250_000, discountBp: 1_000 }]).success).toBe(true);
  });
  it('refuses objects that are not line items, and drops keys a line item does not have', () => {
    expect(push([{ name: '射频模块', qty: 4, unitPrice: 1 }]).success).toBe(false);
    expect(push([{ productId: null, name: 'x', code: null, unit: null, qty: '4', unitPrice: 1, discountBp: 0 }]).success).toBe(false);
    const extra = push([{ productId: null, name: 'x', code: null, unit: null, qty: 4, unitPrice: 1, discountBp: 0, secret: { nested: true } }]);
    expect(extra.success).toBe(true);
    expect(JSON.stringify(extra.data)).not.toContain('secret');
  });
});
