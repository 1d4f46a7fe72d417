import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../src-shared/api/client-api.contract';
import { defaultRole, mergeRoles, type Access, type Role } from '../../src-shared/permissions/access';
import type { Change, Mutation, MutationResult } from '../../src-shared/sync/protocol.contract';
import { buildMatchQuery } from '../../src-shared/search/tokenize.util';
import { SyncFailure, type PullPage, type SyncConnection, type SyncConnector } from '../../src-main/core/sync/sync-connection';
import { openReplicaFile } from '../support/replica-file';
import { bumpOrgVersion } from '../../src-server/auth/org.store';
import { openTestClient, startTestServer, type TestClient, type TestServer } from '../support/sync-fixture';

/**
 * The client side of permissions against a scripted server: the access it stores (sign-in,
 * welcome, rescope pages), the fields it clears from the replica and from search when they become
 * hidden, and the local refusals of what the user's roles do not allow.
 */

const ME = { id: 'u-wang', name: '王芳', username: 'wang', role: 'sales_rep' };

/** The merged access of one role: the built-in sales rep with `change` applied. */
function accessOf(change: (role: Role) => Role = (r) => r): Access {
  return mergeRoles(['sales_rep'], [change(defaultRole('sales_rep'))]);
}

const plain = accessOf();
const hidingEmail = accessOf((r) => ({ ...r, fields: { account: { email: 'hidden', tags: 'hidden', phone: 'readonly' }, contact: { isPrimary: 'hidden' } } }));

/**
 * A server that answers from a script: the access it gives at sign-in and in its welcome, pull
 * pages queued by the test, empty snapshots; pushes are applied (or fail while `pushFails`).
 */
class ScriptedServer implements SyncConnector {
  access: Access | undefined = plain;
  welcome: Access | undefined = plain;
  readonly pages: PullPage[] = [];
  readonly pushed: Mutation[] = [];
  pushFails = false;
  private cn = 100;

  async login() {
    return { token: 'token', deviceId: 'device-1', user: ME, cursor: 0, ...(this.access ? { access: this.access } : {}) };
  }

  async connect(): Promise<SyncConnection> {
    const refuse = () => Promise.reject(new SyncFailure('FORBIDDEN', 'not in this script'));
    return {
      access: this.welcome,
      bytes: { sent: 0, received: 0 },
      push: async (mutations) => {
        if (this.pushFails) throw new SyncFailure('RATE_LIMITED', 'scripted: try later');
        this.pushed.push(...mutations);
        return mutations.map((m): MutationResult => ({ seq: m.seq, status: 'applied', version: ++this.cn }));
      },
      pull: async (cursor) => this.pages.shift() ?? { cursor, hasMore: false, changes: [] },
      snapshot: async () => ({ asOf: 0, columns: ['id', 'version'], rows: [], next: null, total: 0 }),
      directory: async () => [],
      history: async () => null,
      adminUsers: refuse,
      adminUnlock: refuse,
      adminDevices: refuse,
      adminRevoke: refuse,
      adminLogins: refuse,
      adminOrg: refuse,
      close() {},
    };
  }

  async logout() {}

  /** Queues one pull page; `access` makes it a rescope page. */
  page(changes: Change[], access?: Access): void {
    this.pages.push({ cursor: 0, hasMore: false, changes, ...(access ? { access } : {}) });
  }

  /** A record entering the replica in full, as the server sends it. */
  full(entity: Change['entity'], recordId: string, fields: Record<string, unknown>): Change {
    const cn = ++this.cn;
    const system = { ownerId: ME.id, createdAt: 1_700_000_000_000, createdBy: ME.id, updatedAt: 1_700_000_000_000, updatedBy: ME.id };
    return { cn, entity, recordId, op: 'upsert', version: cn, full: true, fields: { ...system, ...fields } as Change['fields'] };
  }

  partial(entity: Change['entity'], recordId: string, fields: Record<string, unknown>): Change {
    const cn = ++this.cn;
    return { cn, entity, recordId, op: 'upsert', version: cn, fields: fields as Change['fields'] };
  }
}

const clients: TestClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function signedIn(server: ScriptedServer): Promise<TestClient & { events: CoreEvent[] }> {
  const client = openTestClient({ connector: server });
  clients.push(client);
  const events: CoreEvent[] = [];
  client.core.onEvent((e) => events.push(e));
  await client.call('sync.login', { server: 'https://scripted.example', username: 'wang', password: 'x' });
  return Object.assign(client, { events });
}

const ACCOUNT = '0190a000-0000-7000-8000-000000000001';
const OTHER = '0190a000-0000-7000-8000-000000000002';
const CONTACT = '0190a000-0000-7000-8000-000000000003';

/** A replica holding two accounts and a contact whose hidden-to-be fields carry searchable text. */
async function withRecords(server: ScriptedServer) {
  const client = await signedIn(server);
  server.page([
    server.full('account', ACCOUNT, { name: '华为技术有限公司', email: 'ceo@secretmail.cn', tags: ['机密标签'], phone: '0755-28780808', city: '深圳' }),
    server.full('account', OTHER, { name: '杭州恒达智能科技有限公司', email: null, city: '杭州' }),
    server.full('contact', CONTACT, { accountId: ACCOUNT, name: '张伟', isPrimary: true, email: 'zhang.wei@huawei.com' }),
  ]);
  await client.call('sync.now', {});
  return client;
}

const hitIds = async (client: TestClient, q: string) => (await client.call('search.global', { q })).hits.map((h) => h.id);

describe('an access that hides fields', () => {
  it('clears them in the replica file and in search, before the changes of its page, and a reveal brings them back', async () => {
    const server = new ScriptedServer();
    const client = await withRecords(server);
    expect(await client.call('record.get', { entity: 'account', id: ACCOUNT })).toMatchObject({ email: 'ceo@secretmail.cn', tags: ['机密标签'] });
    expect(await hitIds(client, 'secretmail')).toEqual([ACCOUNT]);
    expect(await hitIds(client, '机密标签')).toEqual([ACCOUNT]);
    expect((await client.call('app.info', {})).access).toEqual(plain);

    // A rescope page: the new access, and a change the server sends with it (a hidden field in it
    // would be a server bug; it must not land either).
    server.page([server.partial('account', OTHER, { city: '宁波', email: 'leak@secretmail.cn', updatedAt: 1_700_000_100_000, updatedBy: ME.id })], hidingEmail);
    await client.call('sync.now', {});

    const file = openReplicaFile(client.dir, { readonly: true });
    try {
      const rows = file.prepare('SELECT id, email, tags, phone, city FROM accounts ORDER BY id').all();
      expect(rows).toEqual([
        { id: ACCOUNT, email: null, tags: '[]', phone: '0755-28780808', city: '深圳' },
        { id: OTHER, email: null, tags: '[]', phone: null, city: '宁波' },
      ]);
      expect(file.prepare('SELECT is_primary AS p, email FROM contacts').get()).toEqual({ p: 0, email: 'zhang.wei@huawei.com' });
      expect(file.prepare("SELECT value FROM replica_meta WHERE key = 'sync.access'").get()).toEqual({ value: JSON.stringify(hidingEmail) });
      // The replaced search entries are gone from FTS5 itself, not only from search_doc.
      expect(file.prepare('SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?').get(buildMatchQuery('secretmail'))).toEqual({ n: 0 });
      expect(file.prepare('SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?').get(buildMatchQuery('华为'))).not.toEqual({ n: 0 });
    } finally {
      file.close();
    }
    expect(await hitIds(client, 'secretmail')).toEqual([]);
    expect(await hitIds(client, '机密标签')).toEqual([]);
    expect((await client.call('record.list', { entity: 'account', quick: 'secretmail' })).rows).toEqual([]);
    // What is still visible is still found.
    expect(await hitIds(client, '华为')).toContain(ACCOUNT);
    expect(await hitIds(client, '0755')).toEqual([ACCOUNT]);
    // The views hear of the new access and of the records that changed.
    expect(client.events).toContainEqual({ type: 'access', access: hidingEmail });
    expect(client.events.some((e) => e.type === 'changed' && e.entity === 'account' && e.ids.includes(ACCOUNT))).toBe(true);
    expect((await client.call('app.info', {})).access).toEqual(hidingEmail);

    // Revealed again: the server sends the values of the fields that became readable.
    server.page([server.partial('account', ACCOUNT, { email: 'ceo@secretmail.cn', tags: ['机密标签'], updatedAt: 1_700_000_000_000, updatedBy: ME.id })], plain);
    await client.call('sync.now', {});
    expect(await client.call('record.get', { entity: 'account', id: ACCOUNT })).toMatchObject({ email: 'ceo@secretmail.cn', tags: ['机密标签'], phone: '0755-28780808' });
    expect(await hitIds(client, 'secretmail')).toEqual([ACCOUNT]);
    expect((await client.call('app.info', {})).access).toEqual(plain);
    const status = await client.call('sync.status', {});
    expect(status).toMatchObject({ state: 'offline', pending: 0, lastError: null });
  });

  it('takes the access of the welcome and of the sign-in, and forgets it at sign-out', async () => {
    const server = new ScriptedServer();
    const client = await withRecords(server);
    server.welcome = hidingEmail;
    await client.call('sync.now', {});
    expect((await client.call('record.get', { entity: 'account', id: ACCOUNT })).email).toBeNull();
    expect((await client.call('app.info', {})).access).toEqual(hidingEmail);
    // The same access again changes nothing and says nothing.
    const before = client.events.filter((e) => e.type === 'access').length;
    await client.call('sync.now', {});
    expect(client.events.filter((e) => e.type === 'access').length).toBe(before);

    await client.call('sync.logout', { force: true });
    expect((await client.call('app.info', {})).access).toBeNull();
    expect(client.events.at(-1)).toMatchObject({ type: 'sync' });
    expect(client.events).toContainEqual({ type: 'access', access: null });
    expect(client.core.replica.sqlite.prepare("SELECT count(*) AS n FROM replica_meta WHERE key = 'sync.access'").get()).toEqual({ n: 0 });

    // Signing in again with an access in the answer stores it at once.
    server.access = hidingEmail;
    await client.call('sync.login', { server: 'https://scripted.example', username: 'wang', password: 'x' });
    expect((await client.call('app.info', {})).access).toEqual(hidingEmail);
  });

  it('drops the parked pulled values of a hidden field and the before-values of unsent edits to it', async () => {
    const server = new ScriptedServer();
    const client = await withRecords(server);
    // An edit that cannot be sent yet; meanwhile the server's value for the same field is parked.
    server.pushFails = true;
    await client.call('record.update', { entity: 'account', id: ACCOUNT, values: { email: 'typed@example.com' } });
    server.page([server.partial('account', ACCOUNT, { email: 'new@secretmail.cn', updatedAt: 1_700_000_200_000, updatedBy: 'u-boss' })]);
    await client.call('sync.now', {});
    const sqlite = client.core.replica.sqlite;
    expect(sqlite.prepare("SELECT field FROM pulled_shadow WHERE record_id = ?").all(ACCOUNT)).toEqual([{ field: 'email' }]);
    expect(JSON.parse((sqlite.prepare('SELECT base FROM outbox').get() as { base: string }).base)).toEqual({ email: 'ceo@secretmail.cn' });

    // An earlier lost edit of the same field, with the value that won.
    client.core.conflicts.add(
      { kind: 'field', entity: 'account', recordId: ACCOUNT, title: '华为技术有限公司', op: 'update', field: 'email', mine: { email: 'mine@example.com' }, theirs: { email: 'won@secretmail.cn' }, byName: '赵敏', at: 1_700_000_050_000, winningVersion: 105, code: null, message: null, issues: null },
      Date.now(),
    );

    server.page([], hidingEmail);
    await client.call('sync.now', {});
    expect(sqlite.prepare('SELECT count(*) AS n FROM pulled_shadow').get()).toEqual({ n: 0 });
    expect((await client.call('conflict.list', {})).entries).toEqual([expect.objectContaining({ field: 'email', mine: { email: 'mine@example.com' }, theirs: {} })]);
    expect(JSON.parse((sqlite.prepare('SELECT base FROM outbox').get() as { base: string }).base)).toEqual({});
    expect((await client.call('record.get', { entity: 'account', id: ACCOUNT })).email).toBeNull();
    // What the user typed is still theirs to send (the server refuses it into the inbox).
    expect(JSON.parse((sqlite.prepare('SELECT changes FROM outbox').get() as { changes: string }).changes)).toEqual({ email: 'typed@example.com' });
  });
});

describe('local refusals by the access', () => {
  const refusal = async (run: Promise<unknown>) => {
    const error = (await run.then(
      () => null,
      (e: unknown) => e,
    )) as { info?: { code: string; issues?: { field: string; key: string }[] } } | null;
    expect(error, 'the call should have been refused').not.toBeNull();
    return error!.info!;
  };

  it('refuses setting a hidden or read-only field, and lets blank values and unchanged ones through', async () => {
    const server = new ScriptedServer();
    server.access = hidingEmail;
    server.welcome = hidingEmail;
    const client = await withRecords(server);

    expect(await refusal(client.call('record.create', { entity: 'account', values: { name: '新客户', email: 'a@b.cn' } }))).toMatchObject({
      code: 'FORBIDDEN',
      issues: [{ field: 'email', key: 'permission.fieldHidden' }],
    });
    expect(await refusal(client.call('record.create', { entity: 'account', values: { name: '新客户', phone: '010-12345678', tags: ['x'] } }))).toMatchObject({
      code: 'FORBIDDEN',
      issues: expect.arrayContaining([
        { field: 'tags', key: 'permission.fieldHidden' },
        { field: 'phone', key: 'permission.fieldReadonly' },
      ]),
    });
    // A form sends every field: blank ones are fine.
    const made = await client.call('record.create', { entity: 'account', values: { name: '新客户', email: '', phone: '', tags: [] } });
    expect(made).toMatchObject({ name: '新客户', email: null, phone: null });

    expect(await refusal(client.call('record.update', { entity: 'account', id: ACCOUNT, values: { phone: '0755-00000000' } }))).toMatchObject({
      code: 'FORBIDDEN',
      issues: [{ field: 'phone', key: 'permission.fieldReadonly' }],
    });
    expect(await client.call('record.update', { entity: 'account', id: ACCOUNT, values: { phone: '0755-28780808', city: '东莞' } })).toMatchObject({ city: '东莞' });
    // Nothing of the refused edits was stored or queued.
    expect((await client.call('record.get', { entity: 'account', id: ACCOUNT })).phone).toBe('0755-28780808');
    expect(server.pushed.filter((m) => 'phone' in m.changes && m.changes.phone === '0755-00000000')).toEqual([]);
  });

  it('refuses creating, changing, deleting and assigning what the roles do not allow', async () => {
    const server = new ScriptedServer();
    const limited = accessOf((r) => ({
      ...r,
      entities: { ...r.entities, account: { actions: ['create', 'read', 'update'], scope: 'own' }, contact: { actions: ['read'], scope: 'own' } },
    }));
    server.access = limited;
    server.welcome = limited;
    const client = await withRecords(server);

    // Products are the managers' to write: a rep only reads them.
    expect(await refusal(client.call('record.create', { entity: 'product', values: { name: '服务器', code: 'S-1', listPrice: 100_000 } }))).toMatchObject({
      code: 'FORBIDDEN',
      issues: [{ field: 'id', key: 'permission.create' }],
    });
    expect(await refusal(client.call('record.create', { entity: 'contact', values: { accountId: ACCOUNT, name: '李雷' } }))).toMatchObject({ issues: [{ key: 'permission.create' }] });
    expect(await refusal(client.call('record.update', { entity: 'contact', id: CONTACT, values: { title: '经理' } }))).toMatchObject({ issues: [{ key: 'permission.update' }] });
    expect(await refusal(client.call('record.delete', { entity: 'account', id: OTHER }))).toMatchObject({ issues: [{ key: 'permission.delete' }] });
    expect(await refusal(client.call('record.update', { entity: 'account', id: ACCOUNT, values: { ownerId: 'u-li' } }))).toMatchObject({ issues: [{ key: 'permission.assign' }] });
    expect(await refusal(client.call('record.create', { entity: 'account', values: { name: '给别人', ownerId: 'u-li' } }))).toMatchObject({ issues: [{ key: 'permission.assign' }] });
    expect((await client.call('record.get', { entity: 'account', id: OTHER })).deletedAt).toBeNull();
    expect((await client.call('record.get', { entity: 'account', id: ACCOUNT })).ownerId).toBe(ME.id);

    // A lead converted into a contact the role may not create: refused as a whole.
    const lead = await client.call('record.create', { entity: 'lead', values: { name: '韩梅梅', company: '新公司' } });
    expect(await refusal(client.call('lead.convert', { leadId: lead.id, account: { values: { name: '新公司' } }, contact: { values: { name: '韩梅梅' } }, opportunity: null }))).toMatchObject({
      code: 'FORBIDDEN',
      issues: [{ field: 'contact.id', key: 'permission.create' }],
    });
    expect((await client.call('record.list', { entity: 'account', quick: '新公司' })).rows).toEqual([]);
    expect((await client.call('record.get', { entity: 'lead', id: lead.id })).status).not.toBe('converted');
  });

  it('refuses a delete whose cascade takes records the roles may not delete, and deletes nothing', async () => {
    const server = new ScriptedServer();
    const noContactDelete = accessOf((r) => ({ ...r, entities: { ...r.entities, contact: { actions: ['create', 'read', 'update'], scope: 'own' } } }));
    server.access = noContactDelete;
    server.welcome = noContactDelete;
    const client = await withRecords(server);
    expect(await refusal(client.call('record.delete', { entity: 'account', id: ACCOUNT }))).toMatchObject({ code: 'FORBIDDEN', issues: [{ key: 'permission.delete' }] });
    expect((await client.call('record.get', { entity: 'account', id: ACCOUNT })).deletedAt).toBeNull();
    expect((await client.call('record.get', { entity: 'contact', id: CONTACT })).deletedAt).toBeNull();
    // The account without contacts goes.
    expect(await client.call('record.delete', { entity: 'account', id: OTHER })).toEqual({ deleted: 1 });
  });

  it('allows everything on a replica with no access (working on its own)', async () => {
    const client = openTestClient();
    clients.push(client);
    expect((await client.call('app.info', {})).access ?? null).toBeNull();
    const made = await client.call('record.create', { entity: 'product', values: { name: '服务器', code: 'S-1', listPrice: 100_000 } });
    expect(await client.call('record.delete', { entity: 'product', id: made.id })).toEqual({ deleted: 1 });
  });
});

describe('with the sync server', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  /** What an administrator's edit of a role does on the server: the role stored, the organisation's version raised. */
  async function setRole(s: TestServer, code: string, role: Role | null): Promise<void> {
    const store = s.server.store;
    await store.tx(async (q) => {
      if (role) {
        const { name, admin, pool, entities, fields } = role;
        await q.run('DELETE FROM roles WHERE code = ?', [code]);
        await q.run('INSERT INTO roles (code, definition, updated_at) VALUES (?, ?, ?)', [code, JSON.stringify({ name, admin, pool, entities, fields }), Date.now()]);
      } else {
        await q.run('DELETE FROM roles WHERE code = ?', [code]);
      }
      await bumpOrgVersion(q, store);
    });
  }

  it('clears a field an administrator hid at the next sync, refuses editing it, and gets it back when revealed', async () => {
    server = await startTestServer('sqlite');
    await server.addUser('wang', 'sales_rep', '王芳');
    const client = openTestClient();
    clients.push(client);
    await client.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    const made = await client.call('record.create', { entity: 'account', values: { name: '华为技术有限公司', email: 'ceo@secretmail.cn', city: '深圳' } });
    await client.call('sync.now', {});
    expect(await hitIds(client, 'secretmail')).toEqual([made.id]);

    const rep = defaultRole('sales_rep');
    await setRole(server, 'sales_rep', { ...rep, fields: { account: { email: 'hidden', city: 'readonly' } } });
    await client.call('sync.now', {});
    expect(await client.call('record.get', { entity: 'account', id: made.id })).toMatchObject({ email: null, city: '深圳' });
    expect(await hitIds(client, 'secretmail')).toEqual([]);
    expect((await client.call('app.info', {})).access?.fields.account).toEqual({ email: 'hidden', city: 'readonly' });
    const refused = await client.call('record.update', { entity: 'account', id: made.id, values: { city: '东莞' } }).then(
      () => null,
      (e: { info?: unknown }) => e.info,
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN', issues: [{ field: 'city', key: 'permission.fieldReadonly' }] });

    await setRole(server, 'sales_rep', null);
    await client.call('sync.now', {});
    expect(await client.call('record.get', { entity: 'account', id: made.id })).toMatchObject({ email: 'ceo@secretmail.cn', city: '深圳' });
    expect(await hitIds(client, 'secretmail')).toEqual([made.id]);
    expect((await client.call('app.info', {})).access?.fields.account).toBeUndefined();
    expect(await client.call('sync.status', {})).toMatchObject({ pending: 0, conflicts: 0, lastError: null });
  });
});
