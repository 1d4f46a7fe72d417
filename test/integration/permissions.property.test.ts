import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities, type EntityName } from '../../src-shared/entities/index';
import { dataScopes, permissionActions, type Access, type DataScope, type PermissionAction, type RoleDefinition } from '../../src-shared/permissions/access';
import type { Change, Mutation, MutationResult } from '../../src-shared/sync/protocol.contract';
import { bumpOrgVersion, fullAccess } from '../../src-server/auth/org.store';
import { sessionFor, type Session } from '../../src-server/sync/sync.service';
import { DirectServer } from '../support/direct-connector';
import type { StoreKind } from '../support/sync-fixture';

/**
 * Permissions under random organisations: random department trees, users with random
 * departments, managers and roles (built-in and random custom ones with random actions, scopes
 * and field permissions) and random records. For every user, what a fresh device receives (first
 * sync and pulls) is exactly the records their roles' scopes cover, without the fields their roles
 * hide; pushes outside the rules are refused and leave the server unchanged; and after a random
 * change of the organisation (a user moved, a manager changed, roles changed, a role redefined)
 * the device's next pulls bring it to exactly what the new rules allow, sending in full only
 * records it did not hold. The expectation is computed here independently of the server's code.
 *
 * Runs: CRM_PERM_RUNS (default 25 on SQLite, 10 on PostgreSQL); CRM_PERM_SEED replays a failure.
 */
const RUNS = Number(process.env.CRM_PERM_RUNS ?? 0);
const SEED = process.env.CRM_PERM_SEED ? Number(process.env.CRM_PERM_SEED) : undefined;

const ENTITIES = ['account', 'contact', 'lead', 'product'] as const;
type E = (typeof ENTITIES)[number];
/** Fields a role may hide or make read-only in these runs (none required, none a title). */
const FIELDS: Record<E, string[]> = {
  account: ['phone', 'city', 'level', 'notes'],
  contact: ['mobile', 'title', 'email'],
  lead: ['company', 'mobile', 'notes'],
  product: ['spec', 'category'],
};
const BUILTIN = ['sales_rep', 'sales_manager', 'service_agent', 'marketing', 'admin'] as const;
const CUSTOM = ['c1', 'c2'] as const;

interface World {
  parents: number[];
  users: { dept: number; manager: number; roles: string[] }[];
  custom: RoleDefinition[];
  accounts: { owner: number; pool: boolean; phone: string; city: string; level: string }[];
  contacts: { account: number; mobile: string; title: string }[];
  leads: { owner: number; company: string }[];
  products: { spec: string }[];
  change: { kind: 'dept' | 'manager' | 'roles' | 'role'; user: number; to: number; roles: string[]; role: RoleDefinition };
}

const fieldLevel = fc.constantFrom('hidden' as const, 'readonly' as const, 'editable' as const);
const roleDef: fc.Arbitrary<RoleDefinition> = fc
  .record({
    pool: fc.boolean(),
    grants: fc.tuple(...ENTITIES.map(() => fc.option(fc.record({ actions: fc.subarray([...permissionActions]), scope: fc.constantFrom(...dataScopes) }), { nil: undefined }))),
    levels: fc.tuple(...ENTITIES.map((e) => fc.tuple(...FIELDS[e].map(() => fieldLevel)))),
  })
  .map(({ pool, grants, levels }) => {
    const def: RoleDefinition = { name: 'random', admin: false, pool, entities: {}, fields: {} };
    ENTITIES.forEach((e, i) => {
      const g = grants[i];
      if (g) def.entities[e] = g;
      const fields: Record<string, 'hidden' | 'readonly'> = {};
      FIELDS[e].forEach((f, j) => {
        const l = levels[i]![j]!;
        if (l !== 'editable') fields[f] = l;
      });
      if (Object.keys(fields).length > 0) def.fields[e] = fields;
    });
    return def;
  });

const world: fc.Arbitrary<World> = fc
  .record({ depts: fc.integer({ min: 1, max: 5 }), users: fc.integer({ min: 3, max: 6 }) })
  .chain(({ depts, users }) =>
    fc.record({
      parents: fc.tuple(...Array.from({ length: depts }, (_, i) => fc.integer({ min: -1, max: i - 1 }))),
      users: fc.tuple(
        ...Array.from({ length: users }, (_, i) =>
          fc.record({
            dept: fc.integer({ min: -1, max: depts - 1 }),
            manager: fc.integer({ min: -1, max: i - 1 }),
            roles: fc.subarray([...BUILTIN.filter((r) => r !== 'admin'), ...CUSTOM], { minLength: 1, maxLength: 2 }),
          }),
        ),
      ),
      custom: fc.tuple(roleDef, roleDef),
      accounts: fc.array(fc.record({ owner: fc.nat(users - 1), pool: fc.nat(4).map((n) => n === 0), phone: fc.constantFrom('0571-88880001', '010-66668888'), city: fc.constantFrom('杭州', '北京'), level: fc.constantFrom('A', 'B', 'C') }), { maxLength: 8 }),
      contacts: fc.array(fc.record({ account: fc.nat(7), mobile: fc.constantFrom('13800138000', '13900139000'), title: fc.constantFrom('经理', '总监') }), { maxLength: 8 }),
      leads: fc.array(fc.record({ owner: fc.nat(users - 1), company: fc.constantFrom('宁波港务', '杭州西湖科技') }), { maxLength: 5 }),
      products: fc.array(fc.record({ spec: fc.constantFrom('标准版', '企业版') }), { maxLength: 3 }),
      change: fc.record({
        kind: fc.constantFrom('dept' as const, 'manager' as const, 'roles' as const, 'role' as const),
        user: fc.nat(users - 1),
        to: fc.integer({ min: -1, max: Math.max(depts, users) - 1 }),
        roles: fc.subarray([...BUILTIN.filter((r) => r !== 'admin'), ...CUSTOM], { minLength: 1, maxLength: 2 }),
        role: roleDef,
      }),
    }),
  );

// --- the expectation, written from the rules' words rather than the server's code ---------------

interface Org {
  users: { id: string; dept: string | null; manager: string | null; roles: string[] }[];
  parents: Map<string, string | null>;
  roles: Map<string, RoleDefinition>;
}

function isBelow(dept: string | null, top: string, parents: Map<string, string | null>): boolean {
  for (let d = dept; d !== null; d = parents.get(d) ?? null) if (d === top) return true;
  return false;
}
function reportsTo(user: string, boss: string, org: Org): boolean {
  const seen = new Set<string>();
  for (let u: string | null = user; u !== null && !seen.has(u); u = org.users.find((x) => x.id === u)?.manager ?? null) {
    if (u === boss) return true;
    seen.add(u);
  }
  return false;
}
function scopeCovers(scope: DataScope, me: Org['users'][number], owner: string, org: Org): boolean {
  const o = org.users.find((u) => u.id === owner);
  switch (scope) {
    case 'all':
      return true;
    case 'own':
      return owner === me.id;
    case 'own_sub':
      return o !== undefined && reportsTo(o.id, me.id, org);
    case 'dept':
      return owner === me.id || (o !== undefined && o.dept === me.dept);
    case 'dept_sub':
      return owner === me.id || me.dept === null || (o !== undefined && isBelow(o.dept, me.dept, org.parents));
  }
}
function readers(me: Org['users'][number], entity: E, org: Org): RoleDefinition[] {
  return me.roles.map((r) => org.roles.get(r)).filter((r): r is RoleDefinition => r !== undefined && (r.entities[entity]?.actions.includes('read') ?? false));
}
function mayRead(me: Org['users'][number], entity: E, key: string, org: Org): boolean {
  const rs = readers(me, entity, org);
  if (rs.length === 0) return false;
  if (key === '*') return true;
  if (key === 'pool' && me.roles.some((r) => org.roles.get(r)?.pool)) return true;
  return rs.some((r) => scopeCovers(r.entities[entity]!.scope, me, key, org));
}
function hidden(me: Org['users'][number], entity: E, org: Org): Set<string> {
  const rs = readers(me, entity, org);
  return new Set(Object.keys(entities[entity].fields).filter((f) => rs.length > 0 && rs.every((r) => r.fields[entity]?.[f] === 'hidden')));
}
function level(me: Org['users'][number], entity: E, field: string, org: Org): 'hidden' | 'readonly' | 'editable' {
  const rs = readers(me, entity, org);
  const ls = rs.map((r) => r.fields[entity]?.[field] ?? 'editable');
  return ls.includes('editable') ? 'editable' : ls.includes('readonly') ? 'readonly' : 'hidden';
}
function allows(me: Org['users'][number], entity: E, action: PermissionAction, org: Org): boolean {
  return me.roles.some((r) => org.roles.get(r)?.entities[entity]?.actions.includes(action));
}

// --- a device as the protocol leaves it -------------------------------------------------------

interface Device {
  deviceId: string;
  cursor: number;
  recs: Map<string, Record<string, unknown>>;
  fullSeen: string[];
}

function applyChanges(dev: Device, changes: Change[], access: Access | undefined): void {
  if (access) {
    // What the client does with a new access: fields it now hides leave the replica.
    for (const [key, rec] of dev.recs) {
      const entity = key.split(':')[0] as EntityName;
      for (const [f, l] of Object.entries(access.fields[entity] ?? {})) if (l === 'hidden') delete rec[f];
    }
  }
  for (const c of changes) {
    const key = `${c.entity}:${c.recordId}`;
    if (c.op === 'remove' || c.op === 'delete') dev.recs.delete(key);
    else if (c.full) {
      dev.fullSeen.push(key);
      dev.recs.set(key, { ...(c.fields ?? {}) });
    } else if (dev.recs.has(key)) Object.assign(dev.recs.get(key)!, c.fields ?? {});
  }
}

async function firstSync(server: DirectServer, session: Session, dev: Device): Promise<void> {
  await server.sync.startFirstSync(session);
  let asOf = Number.MAX_SAFE_INTEGER;
  for (const entity of ENTITIES) {
    let after = '';
    for (;;) {
      const page = await server.sync.snapshot(session, entity, after, 3);
      asOf = Math.min(asOf, page.asOf);
      for (const row of page.rows) {
        const fields = Object.fromEntries(page.columns.map((c, i) => [c, row[i]]));
        dev.recs.set(`${entity}:${String(fields.id)}`, fields);
      }
      if (!page.next) break;
      after = page.next;
    }
  }
  dev.cursor = asOf;
}

async function pullAll(server: DirectServer, session: Session, dev: Device): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const page = await server.sync.pull(session, dev.cursor, 4);
    applyChanges(dev, page.changes, page.access);
    dev.cursor = page.cursor;
    if (!page.hasMore) return;
  }
  throw new Error('pull did not finish');
}

const SYSTEM = new Set(['id', 'version', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'ownerId']);

describe.each(['sqlite', 'pg'] as StoreKind[])('permissions under random organisations (%s)', (kind) => {
  let server: DirectServer;
  beforeAll(async () => {
    server = await DirectServer.open(kind);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('each user receives exactly what their roles allow, cannot push past them, and a changed organisation rescopes the replica', async () => {
    const runs = RUNS || (kind === 'sqlite' ? 25 : 10);
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await server.reset();
        const store = server.store;
        const deptIds = w.parents.map((_, i) => `d${i}`);
        const userIds = w.users.map((_, i) => `u${i}`);
        await store.tx(async (q) => {
          for (const [i, p] of w.parents.entries()) await q.run('INSERT INTO departments (id, name, parent_id, created_at) VALUES (?, ?, ?, 0)', [deptIds[i]!, `部门${i}`, p < 0 ? null : deptIds[p]!]);
          for (const [i, c] of CUSTOM.entries()) await q.run('INSERT INTO roles (code, definition, updated_at) VALUES (?, ?, 0)', [c, JSON.stringify(w.custom[i])]);
          await q.run("INSERT INTO users (id, username, name, password_hash, role, roles, department, manager_id, disabled_at, created_at) VALUES ('admin', 'admin', 'admin', 'none', 'admin', NULL, NULL, NULL, NULL, 0)");
          for (const [i, u] of w.users.entries()) {
            await q.run('INSERT INTO users (id, username, name, password_hash, role, roles, department, manager_id, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0)', [
              userIds[i]!,
              userIds[i]!,
              userIds[i]!,
              'none',
              u.roles[0]!,
              JSON.stringify(u.roles),
              u.dept < 0 ? null : deptIds[u.dept]!,
              u.manager < 0 ? null : userIds[u.manager]!,
            ]);
          }
          await bumpOrgVersion(q);
        });
        const org = async (): Promise<Org> => {
          const us = await store.all<{ id: string; department: string | null; manager_id: string | null; roles: string | null; role: string }>('SELECT * FROM users WHERE id <> ?', ['admin']);
          const ds = await store.all<{ id: string; parent_id: string | null }>('SELECT id, parent_id FROM departments');
          const roles = new Map<string, RoleDefinition>();
          for (const r of BUILTIN) roles.set(r, builtinDefinition(r));
          const stored = await store.all<{ code: string; definition: string }>('SELECT code, definition FROM roles');
          for (const r of stored) roles.set(r.code, JSON.parse(r.definition) as RoleDefinition);
          return {
            users: us.map((u) => ({ id: u.id, dept: u.department, manager: u.manager_id, roles: u.roles ? (JSON.parse(u.roles) as string[]) : [u.role] })),
            parents: new Map(ds.map((d) => [d.id, d.parent_id])),
            roles,
          };
        };

        // Records, made by the server's own full access (as an import would).
        const admin = sessionFor((await server.users.byId('admin'))!, 'seed', undefined, fullAccess());
        const mutations: Mutation[] = [];
        let seq = 0;
        const m = (entity: EntityName, id: string, changes: Mutation['changes']) => mutations.push({ seq: ++seq, entity, recordId: id, op: 'create', changes, base: {} });
        w.accounts.forEach((a, i) => m('account', `a${i}`, { name: `客户${i}`, phone: a.phone, city: a.city, level: a.level, notes: `备注${i}`, ownerId: userIds[a.owner]!, ...(a.pool ? { poolState: 'pool' } : {}) }));
        w.contacts.forEach((c, i) => {
          if (c.account < w.accounts.length) m('contact', `c${i}`, { accountId: `a${c.account}`, name: `联系人${i}`, mobile: c.mobile, title: c.title, email: `c${i}@example.com` });
        });
        w.leads.forEach((l, i) => m('lead', `l${i}`, { name: `线索${i}`, company: l.company, mobile: '13700137000', notes: 'n', ownerId: userIds[l.owner]! }));
        w.products.forEach((p, i) => m('product', `p${i}`, { code: `P${i}`, name: `产品${i}`, spec: p.spec, category: '软件', listPrice: 100_00, currency: 'CNY' }));
        if (mutations.length > 0) {
          const { results } = await server.sync.push(admin, mutations);
          expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
        }
        type Row = { entity: E; id: string; vis_key: string; fields: string; version: number; deleted_at: number | null };
        const serverRows = () => store.all<Row>('SELECT entity, id, vis_key, fields, version, deleted_at FROM records ORDER BY entity, id');

        const check = async (o: Org, devices: Map<string, Device>) => {
          const rows = await serverRows();
          for (const me of o.users) {
            const dev = devices.get(me.id)!;
            const expected = new Map<string, Record<string, unknown>>();
            for (const r of rows) {
              if (r.deleted_at !== null || !mayRead(me, r.entity, r.vis_key, o)) continue;
              const hide = hidden(me, r.entity, o);
              const fields = JSON.parse(r.fields) as Record<string, unknown>;
              expected.set(`${r.entity}:${r.id}`, Object.fromEntries(Object.entries(fields).filter(([f]) => !hide.has(f) && !SYSTEM.has(f))));
            }
            const actual = new Map<string, Record<string, unknown>>();
            for (const [key, rec] of dev.recs) {
              const entity = key.split(':')[0] as E;
              const hide = hidden(me, entity, o);
              for (const f of Object.keys(rec)) expect(hide.has(f), `${me.id} holds hidden ${key}.${f}`).toBe(false);
              actual.set(key, Object.fromEntries(Object.entries(rec).filter(([f, v]) => !SYSTEM.has(f) && v !== null && f in (entities[entity].fields as object))));
            }
            const clean = (m: Map<string, Record<string, unknown>>) => Object.fromEntries([...m].map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && !(Array.isArray(x) && x.length === 0)))]));
            expect(clean(actual), `${me.id}'s replica`).toEqual(clean(expected));
          }
        };

        // A fresh device per user: first sync, then pulls.
        let o = await org();
        const devices = new Map<string, Device>();
        const sessions = async () => new Map(await Promise.all(o.users.map(async (u) => [u.id, await server.sync.session((await server.users.byId(u.id))!, `dev-${u.id}`)] as const)));
        let ss = await sessions();
        for (const u of o.users) {
          const dev: Device = { deviceId: `dev-${u.id}`, cursor: 0, recs: new Map(), fullSeen: [] };
          await firstSync(server, ss.get(u.id)!, dev);
          await pullAll(server, ss.get(u.id)!, dev);
          devices.set(u.id, dev);
        }
        await check(o, devices);

        // Pushes past the rules are refused and change nothing; one allowed edit goes through.
        const rows = await serverRows();
        let unique = 0;
        for (const me of o.users) {
          const session = ss.get(me.id)!;
          const tries: { m: Mutation; allowed: boolean }[] = [];
          let s = 1000;
          for (const r of rows) {
            const entity = r.entity;
            const visible = mayRead(me, entity, r.vis_key, o);
            const field = FIELDS[entity][Number(r.id.slice(1)) % FIELDS[entity].length]!;
            const stored = JSON.parse(r.fields) as Record<string, unknown>;
            const fieldOk = level(me, entity, field, o) === 'editable';
            const n = ++unique;
            const value = `改${n}`;
            // Unique values: a read-only field written at the value it holds is a no-op the server accepts.
            const valid: Record<string, string> = { level: stored.level === 'A' ? 'B' : 'A', email: `x${n}@example.com`, mobile: `1360${String(n).padStart(7, '0')}`, phone: `0571-${80_000_000 + n}` };
            const changes: Mutation['changes'] = { [field]: valid[field] ?? value };
            const allowed = visible && allows(me, entity, 'update', o) && fieldOk;
            tries.push({ m: { seq: ++s, entity, recordId: r.id, op: 'update', changes, base: { [field]: (stored[field] ?? null) as string | null }, baseVersion: r.version }, allowed });
            if (visible && !allows(me, entity, 'delete', o)) tries.push({ m: { seq: ++s, entity, recordId: r.id, op: 'delete', changes: {}, base: {} }, allowed: false });
          }
          if (!allows(me, 'lead', 'create', o)) tries.push({ m: { seq: ++s, entity: 'lead', recordId: `new-${me.id}`, op: 'create', changes: { name: '新线索' }, base: {} }, allowed: false });
          for (const t of tries.filter((x) => !x.allowed)) {
            const before = await serverRows();
            const { results } = await server.sync.push(session, [t.m]);
            const r = results[0]!;
            const why = `${me.id} ${t.m.op} ${t.m.entity} ${t.m.recordId} ${JSON.stringify(t.m.changes)}: ${JSON.stringify(r)}`;
            expect(r.status, why).toBe('rejected');
            expect(r.status === 'rejected' ? r.code : null, why).toMatch(/^(FORBIDDEN|OUT_OF_SCOPE)$/);
            expect(await serverRows()).toEqual(before);
          }
          // Not a level: the tries were written against the levels stored before, which must not move.
          const ok = tries.find((x) => x.allowed && !('level' in x.m.changes));
          if (ok) {
            const { results } = await server.sync.push(session, [ok.m]);
            expect((results[0] as MutationResult).status, JSON.stringify(results[0])).not.toBe('rejected');
          }
        }
        for (const u of o.users) await pullAll(server, ss.get(u.id)!, devices.get(u.id)!);
        await check(o, devices);

        // The organisation changes; each device's next pulls bring it in line without re-sending what it holds.
        const c = w.change;
        const target = userIds[c.user]!;
        await store.tx(async (q) => {
          if (c.kind === 'dept') await q.run('UPDATE users SET department = ? WHERE id = ?', [c.to < 0 || c.to >= deptIds.length ? null : deptIds[c.to]!, target]);
          // A manager from before the user in the list, so the chain stays acyclic.
          if (c.kind === 'manager') await q.run('UPDATE users SET manager_id = ? WHERE id = ?', [c.to < 0 || c.to >= c.user ? null : userIds[c.to]!, target]);
          if (c.kind === 'roles') await q.run('UPDATE users SET role = ?, roles = ? WHERE id = ?', [c.roles[0]!, JSON.stringify(c.roles), target]);
          if (c.kind === 'role') await q.run('UPDATE roles SET definition = ? WHERE code = ?', [JSON.stringify(c.role), 'c1']);
          await bumpOrgVersion(q);
        });
        o = await org();
        ss = await sessions();
        for (const u of o.users) {
          const dev = devices.get(u.id)!;
          const held = new Set(dev.recs.keys());
          dev.fullSeen = [];
          await pullAll(server, ss.get(u.id)!, dev);
          const resent = dev.fullSeen.filter((k) => held.has(k));
          expect(resent, `${u.id} was sent records it held in full`).toEqual([]);
        }
        await check(o, devices);
      }),
      { numRuns: runs, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  }, 600_000);
});

/** The admin role as the server defines it: everything. */
function fullDefinition(): RoleDefinition {
  const def: RoleDefinition = { name: 'admin', admin: true, pool: true, entities: {}, fields: {} };
  for (const e of ENTITIES) def.entities[e] = { actions: [...permissionActions], scope: 'all' };
  return def;
}

/** The built-in roles' defaults, restated from the issue's table of who does what (not read from the code). */
function builtinDefinition(code: (typeof BUILTIN)[number]): RoleDefinition {
  if (code === 'admin') return fullDefinition();
  const def: RoleDefinition = { name: code, admin: false, pool: code === 'sales_rep' || code === 'sales_manager', entities: {}, fields: {} };
  const own: Record<string, PermissionAction[]> = {
    sales_rep: ['create', 'read', 'update', 'delete', 'export', 'assign'],
    sales_manager: [...permissionActions],
    service_agent: ['create', 'read', 'update'],
    marketing: ['create', 'read', 'update', 'export'],
  };
  const scope: DataScope = code === 'sales_manager' ? 'dept_sub' : 'own';
  for (const e of ENTITIES) {
    // Products are kept by admins and sales managers; everyone else reads and exports them.
    const actions = e === 'product' && code !== 'sales_manager' ? (['read', 'export'] as PermissionAction[]) : own[code]!;
    def.entities[e] = { actions, scope };
  }
  return def;
}
