import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTestCore } from '../support/core-fixture';

/**
 * Random sequences of creates, edits, deletes and restores against a simple model. After every
 * step: the live records are exactly the model's, every live record (and nothing else) is in the
 * search index, and every effective change left exactly one outbox entry per record it touched.
 * The seed is printed by fast-check on failure; replay with { seed, path } in fc.assert.
 */
type Op =
  | { kind: 'createAccount'; name: string }
  | { kind: 'createContact'; account: number; name: string }
  | { kind: 'rename'; target: number; name: string }
  | { kind: 'delete'; target: number }
  | { kind: 'restore'; target: number };

const names = fc.constantFrom('华为', '恒达', '张伟', '李娜', 'Acme', '天府', '星辰科技', 'Zhou');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('createAccount' as const), name: names }),
  fc.record({ kind: fc.constant('createContact' as const), account: fc.nat(20), name: names }),
  fc.record({ kind: fc.constant('rename' as const), target: fc.nat(40), name: names }),
  fc.record({ kind: fc.constant('delete' as const), target: fc.nat(40) }),
  fc.record({ kind: fc.constant('restore' as const), target: fc.nat(40) }),
);

interface ModelRecord {
  id: string;
  entity: 'account' | 'contact';
  parent: string | null;
  name: string;
  deletedAt: number | null;
}

describe('record repository under random operation sequences', () => {
  it('keeps rows, search index and outbox consistent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const t = openTestCore();
        try {
          const model: ModelRecord[] = [];
          let expectedOutbox = 0;
          const sqlite = t.core.replica.sqlite;
          for (const o of ops) {
            const accounts = model.filter((r) => r.entity === 'account');
            if (o.kind === 'createAccount') {
              const rec = await t.call('record.create', { entity: 'account', values: { name: o.name } });
              model.push({ id: rec.id, entity: 'account', parent: null, name: o.name, deletedAt: null });
              expectedOutbox++;
            } else if (o.kind === 'createContact') {
              const parent = accounts[o.account % Math.max(accounts.length, 1)];
              if (!parent || parent.deletedAt !== null) continue;
              const rec = await t.call('record.create', { entity: 'contact', values: { name: o.name, accountId: parent.id } });
              model.push({ id: rec.id, entity: 'contact', parent: parent.id, name: o.name, deletedAt: null });
              expectedOutbox++;
            } else {
              const target = model[o.target % Math.max(model.length, 1)];
              if (!target) continue;
              if (o.kind === 'rename') {
                if (target.deletedAt !== null) continue;
                await t.call('record.update', { entity: target.entity, id: target.id, values: { name: o.name } });
                if (target.name !== o.name) expectedOutbox++;
                target.name = o.name;
              } else if (o.kind === 'delete') {
                if (target.deletedAt !== null) continue;
                const stamp = Date.now() + Math.random();
                const victims = [target, ...model.filter((r) => r.parent === target.id && r.deletedAt === null)];
                const { deleted } = await t.call('record.delete', { entity: target.entity, id: target.id });
                expect(deleted).toBe(victims.length);
                for (const v of victims) v.deletedAt = stamp;
                expectedOutbox += victims.length;
              } else {
                if (target.deletedAt === null) continue;
                const parent = target.parent ? model.find((r) => r.id === target.parent) : undefined;
                if (parent && parent.deletedAt !== null) continue;
                const stamp = target.deletedAt;
                const back = [target, ...model.filter((r) => r.parent === target.id && r.deletedAt === stamp)];
                await t.call('record.restore', { entity: target.entity, id: target.id });
                for (const v of back) v.deletedAt = null;
                expectedOutbox += back.length;
              }
            }
            const live = model.filter((r) => r.deletedAt === null);
            const listed = [
              ...(await t.call('record.list', { entity: 'account', limit: 1000 })).rows,
              ...(await t.call('record.list', { entity: 'contact', limit: 1000 })).rows,
            ];
            expect(listed.map((r) => `${r.id}:${String(r.name)}`).sort()).toEqual(live.map((r) => `${r.id}:${r.name}`).sort());
            const indexed = (sqlite.prepare('SELECT record_id FROM search_doc').all() as { record_id: string }[]).map((r) => r.record_id).sort();
            expect(indexed).toEqual(live.map((r) => r.id).sort());
            expect((sqlite.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n).toBe(expectedOutbox);
          }
        } finally {
          t.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
