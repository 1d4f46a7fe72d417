import { afterEach, describe, expect, it } from 'vitest';
import { sessionFor } from '../../src-server/sync/sync.service';
import { startTestServer, type StoreKind, type TestServer } from '../support/sync-fixture';

/**
 * Text with half a UTF-16 surrogate pair is refused at the push, where the user's inbox can say
 * so, rather than stored and breaking every later snapshot on PostgreSQL (found by the fuzz test).
 */
const stores: StoreKind[] = ['sqlite', 'pg'];

for (const kind of stores) {
  describe(`malformed text (${kind})`, () => {
    let server: TestServer;
    afterEach(async () => server?.close());

    it('refuses an unpaired surrogate in a field, a tag or a line item, and snapshots keep working', async () => {
      server = await startTestServer(kind);
      const rep = await server.addUser('wang', 'sales_rep');
      const session = sessionFor((await server.server.users.byUsername('wang'))!, 'pc');
      const { results } = await server.server.sync.push(session, [
        { seq: 1, entity: 'account', recordId: 'a1', op: 'create', changes: { name: 'a\udc00', ownerId: rep.id }, base: {} },
        { seq: 2, entity: 'account', recordId: 'a2', op: 'create', changes: { name: '正常客户', tags: ['ok', 'x\ud800'], ownerId: rep.id }, base: {} },
        { seq: 3, entity: 'account', recordId: 'a3', op: 'create', changes: { name: '😀 客户', ownerId: rep.id }, base: {} },
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'applied']);
      expect(results[0]).toMatchObject({ code: 'VALIDATION', issues: [{ field: 'name', key: 'validation.format' }] });
      expect(results[1]).toMatchObject({ issues: [{ field: 'tags' }] });
      const page = await server.server.sync.snapshot(session, 'account', '', 100);
      expect(page.rows).toHaveLength(1);
    });
  });
}
