import { entities, entityNames, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { validateValues } from '../../src-shared/entities/record.schema';
import { copiedFromRef, derivedValues, recordIssues } from '../../src-shared/entities/rules';
import { assignedNumber } from '../../src-shared/entities/numbering.util';
import { CLIENT_SCHEMA_VERSION, type Change, type Mutation, type MutationResult, type RejectCode, type SnapshotPage } from '../../src-shared/sync/protocol.contract';
import type { User } from '../auth/user.repository';
import { placeholders, type SqlParam, type SqlRunner, type SqlStore } from '../store/sql-store';
import {
  childIds,
  headCn,
  insertRecord,
  loadRecord,
  loadRecords,
  logChange,
  nextCn,
  nextSequence,
  saveRecord,
  setParentRef,
  type ChangeKind,
  type StoredRecord,
} from './record.store';
import { effectiveParent, GLOBAL_KEY, POOL_KEY, sees, standaloneAccess, visibilityChildren, visibilityParents } from './visibility';
import { OrgStore, type ServerAccess } from '../auth/org.store';
import { can, type PermissionAction } from '../../src-shared/permissions/access';
import { accessPrint, decodePrint, encodePrint, rescopePage, samePrint, unionPrint, type AccessPrint, type RescopeProgress } from './rescope';
import type { Access } from '../../src-shared/permissions/access';
import { claimedValues, claimIssue, pooledValues, POOL_OWNER } from '../../src-shared/sales/pool.rules';
import { followUpValues } from '../../src-shared/sales/follow-up.rules';
import { loadPoolRules, ownedAccounts } from '../sales/pool.store';
import { changedValues, createdValues, writeAudit, type AuditValue } from './audit.store';

/** Account fields only the server's pool rules write. */
const POOL_FIELDS = ['poolState', 'previousOwnerId', 'pooledAt', 'poolReason', 'ownedSince'] as const;
/** The user id the server's own rules act as (automatic return to the pool, rule-made tasks). */
export const RULES_USER_ID = 'system';

export interface Session {
  user: User;
  deviceId: string;
  /** What the user may do and see (their roles' union over the organisation as of this request). */
  access: ServerAccess;
  /** The client's entity schema version: fields added after it are left out of what it receives. */
  schema: number;
}

/**
 * A session with the given access, or the built-in roles' access of the user alone (for scripts
 * and tests without the organisation; requests use SyncService.session).
 */
export function sessionFor(user: User, deviceId: string, schema: number = CLIENT_SCHEMA_VERSION, access: ServerAccess = standaloneAccess(user)): Session {
  return { user, deviceId, access, schema };
}

/** The record's fields a user may not read. */
function hiddenOf(session: Session, entity: EntityName): Set<string> {
  return session.access.hidden[entity] ?? new Set();
}

/** Fields a client on `schema` knows about. */
function unknownFields(entity: EntityName, schema: number): Set<string> {
  return new Set(
    Object.entries(entities[entity].fields as Record<string, FieldDef>)
      .filter(([, def]) => (def.since ?? 0) > schema)
      .map(([name]) => name),
  );
}

function withoutFields(values: Record<string, unknown>, drop: Set<string>): Record<string, unknown> {
  if (drop.size === 0) return values;
  return Object.fromEntries(Object.entries(values).filter(([k]) => !drop.has(k)));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a value (or any string inside it: tags, line items) holds half a UTF-16 surrogate pair. */
function hasBrokenText(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasBrokenText);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasBrokenText);
  return false;
}

/** A mutation the server refuses: stored as its answer, shown in the user's inbox. */
class Rejection extends Error {
  constructor(
    readonly code: RejectCode,
    message: string,
    readonly issues?: { field: string; key: string }[],
  ) {
    super(message);
  }
}

/** What a commit touched, for the live notifications: the new head and the visibility keys. */
export interface CommitNote {
  cn: number;
  keys: string[];
}

const SYSTEM_COLUMNS = ['createdAt', 'createdBy', 'updatedAt', 'updatedBy'] as const;
type FieldMap = NonNullable<Extract<MutationResult, { status: 'applied' }>['assigned']>;

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  return (a ?? null) === (b ?? null);
}

function serverAssignedFields(entity: EntityName): string[] {
  return Object.entries(entities[entity].fields as Record<string, FieldDef>)
    .filter(([, def]) => def.serverAssigned)
    .map(([name]) => name);
}


/**
 * Push, pull and snapshot: the server side of docs/sync-protocol.md. One transaction per push
 * message; each mutation's answer is stored under (device, seq) in it, so a retried push gets the
 * same answers and changes nothing.
 */
export class SyncService {
  private readonly names = new Map<string, string>();
  /** Users, departments and roles, cached per org_state version. */
  readonly org: OrgStore;

  constructor(
    private readonly store: SqlStore,
    private readonly now: () => number = Date.now,
  ) {
    this.org = new OrgStore(store);
  }

  /** A request's session: the user's access as the organisation stands now. */
  async session(user: User, deviceId: string, schema: number = CLIENT_SCHEMA_VERSION): Promise<Session> {
    const org = await this.org.current();
    return { user, deviceId, schema, access: org.accessFor(user) };
  }

  private refuseAction(session: Session, entity: EntityName, action: PermissionAction): void {
    if (!can(session.access.access, entity, action)) throw new Rejection('FORBIDDEN', `your roles do not allow you to ${action} ${entity} records`, [{ field: 'id', key: `permission.${action}` }]);
  }

  /**
   * Field permissions on a write: a hidden or read-only field may not be set (on create: to
   * anything but its default or blank; on update: a read-only one to anything but its stored
   * value, a hidden one at all). The inbox names each field and why.
   */
  private refuseFields(session: Session, entity: EntityName, changes: Record<string, unknown>, stored: Record<string, unknown> | null): void {
    const hidden = session.access.hidden[entity] ?? new Set<string>();
    const readonly = session.access.readonly[entity] ?? new Set<string>();
    if (hidden.size === 0 && readonly.size === 0) return;
    const fields = entities[entity].fields as Record<string, FieldDef>;
    const issues: { field: string; key: string }[] = [];
    for (const [field, value] of Object.entries(changes)) {
      const level = hidden.has(field) ? 'hidden' : readonly.has(field) ? 'readonly' : null;
      if (!level) continue;
      const def = fields[field];
      const blank = value === null || value === '' || (Array.isArray(value) && value.length === 0);
      // A hidden field is refused even at its stored value: accepting a right guess would tell it.
      const allowed =
        stored === null ? blank || (def !== undefined && 'default' in def && sameValue(def.default, value)) : level === 'readonly' && sameValue(stored[field], value);
      if (!allowed) issues.push({ field, key: level === 'hidden' ? 'permission.fieldHidden' : 'permission.fieldReadonly' });
    }
    if (issues.length > 0) throw new Rejection('FORBIDDEN', `you may not change ${issues.map((i) => i.field).join(', ')} of ${entity} records`, issues);
  }

  async head(): Promise<number> {
    return headCn(this.store);
  }

  private async userName(q: SqlRunner, id: string | null): Promise<string> {
    if (!id) return '';
    const cached = this.names.get(id);
    if (cached !== undefined) return cached;
    const row = await q.get<{ name: string }>('SELECT name FROM users WHERE id = ?', [id]);
    const name = row?.name ?? id;
    this.names.set(id, name);
    return name;
  }

  async push(session: Session, mutations: Mutation[]): Promise<{ results: MutationResult[]; note: CommitNote | null }> {
    return this.store.tx(async (q) => {
      const results: MutationResult[] = [];
      const keys = new Set<string>();
      let lastCn = 0;
      for (const m of mutations) {
        const stored = await q.get<{ result: string }>('SELECT result FROM mutation_results WHERE device_id = ? AND seq = ?', [session.deviceId, m.seq]);
        if (stored) {
          results.push(JSON.parse(stored.result) as MutationResult);
          continue;
        }
        let result: MutationResult;
        try {
          const outcome = await this.apply(q, session, m, keys);
          result = outcome.result;
          lastCn = Math.max(lastCn, outcome.cn);
        } catch (error) {
          if (!(error instanceof Rejection)) throw error;
          result = { seq: m.seq, status: 'rejected', code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
        }
        await q.run('INSERT INTO mutation_results (device_id, seq, result, at) VALUES (?, ?, ?, ?)', [session.deviceId, m.seq, JSON.stringify(result), this.now()]);
        results.push(result);
      }
      const note = lastCn > 0 ? { cn: lastCn, keys: [...keys] } : null;
      if (note) await this.store.notify(q, JSON.stringify(note));
      return { results, note };
    });
  }

  /** Validates the values a mutation carries; server-assigned fields are the server's to set. */
  private validate(entity: EntityName, changes: Record<string, unknown>, mode: 'create' | 'update'): Record<string, unknown> {
    const assigned = new Set(serverAssignedFields(entity));
    const input = Object.fromEntries(Object.entries(changes).filter(([k]) => !assigned.has(k)));
    const { values, issues } = validateValues(entity, input, mode, { allowSystem: true });
    if (issues.length > 0) throw new Rejection('VALIDATION', `invalid ${entity}: ${issues.map((i) => `${i.field} ${i.key}`).join(', ')}`, issues);
    return values;
  }

  private async checkOwner(q: SqlRunner, ownerId: unknown, fields?: Record<string, unknown>): Promise<void> {
    if (ownerId === POOL_OWNER && fields?.poolState === 'pool') return;
    if (typeof ownerId !== 'string') throw new Rejection('VALIDATION', 'ownerId must name a user', [{ field: 'ownerId', key: 'validation.ref' }]);
    const row = await q.get<{ disabled_at: number | null }>('SELECT disabled_at FROM users WHERE id = ?', [ownerId]);
    if (!row) throw new Rejection('VALIDATION', `no user ${ownerId} to own the record`, [{ field: 'ownerId', key: 'validation.ref' }]);
  }

  /** The visibility key of a record with these fields: its parent's, or its owner. */
  private async visKeyFor(q: SqlRunner, session: Session, entity: EntityName, fields: Record<string, unknown>): Promise<string> {
    if (entities[entity].visibility === 'global') return GLOBAL_KEY;
    if (entity === 'account' && fields.poolState === 'pool') return POOL_KEY;
    const parent = effectiveParent(entity, fields);
    if (parent) {
      const parentId = parent.id;
      {
        const p = await loadRecord(q, parent.entity, parentId);
        if (!p || p.deletedAt !== null) throw new Rejection('VALIDATION', `${parent.entity} ${parentId} does not exist or was deleted`, [{ field: parent.field, key: 'validation.ref' }]);
        // The child is seen under its own entity's scope, with its parent's key: that scope decides.
        if (!sees(session.access, entity, p.visKey)) throw new Rejection('OUT_OF_SCOPE', `${parent.entity} ${parentId} is not visible to you any more`, [{ field: parent.field, key: 'validation.ref' }]);
        return p.visKey;
      }
    }
    return String(fields.ownerId);
  }

  /**
   * The record rules (src-shared/entities/rules.ts) on the record as it would be stored, after the
   * field merge: values copied from a referenced record, totals from lines, and the cross-field
   * checks, including the allowed status steps. Returns the values to store with the mutation's.
   */
  private async withRules(q: SqlRunner, entity: EntityName, before: Record<string, unknown> | null, values: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out = { ...values };
    const merged = (): Record<string, unknown> => ({ ...(before ?? {}), ...out });
    const fields = entities[entity].fields as Record<string, FieldDef>;
    for (const copy of copiedFromRef[entity] ?? []) {
      const refId = merged()[copy.ref];
      const def = fields[copy.ref];
      if (typeof refId !== 'string' || def?.kind !== 'ref' || (before !== null && !(copy.ref in values))) continue;
      const target = await loadRecord(q, def.entity as EntityName, refId);
      if (target && target.deletedAt === null) out[copy.field] = target.fields[copy.from] ?? null;
    }
    const current = merged();
    for (const [field, value] of Object.entries(derivedValues(entity, current))) {
      // Whatever was sent for a derived field, the stored value is the one the rule gives.
      if (before === null || !sameValue(current[field], value)) out[field] = value;
    }
    const issues = recordIssues(entity, before, merged());
    if (issues.length > 0) throw new Rejection('VALIDATION', `invalid ${entity}: ${issues.map((i) => `${i.field} ${i.key}`).join(', ')}`, issues);
    return out;
  }

  /**
   * The customer pool's transitions on an account update (src-shared/sales/pool.rules.ts), decided
   * here whatever the client computed: release (owner or a manager puts it in the pool), claim
   * (领取, checked against the reclaim bar and the owner cap); a claim that lost the race to someone
   * else's was refused before this (refuseTakenClaim). Pool fields sent otherwise are dropped.
   * Returns the values to store after the field merge.
   */
  private async poolUpdate(q: SqlRunner, session: Session, existing: StoredRecord, values: Record<string, unknown>, base: Record<string, unknown>, now: number): Promise<Record<string, unknown>> {
    const was = existing.fields.poolState;
    const wants = values.poolState;
    const owner = values.ownerId;
    for (const f of POOL_FIELDS) delete values[f];
    if (wants === 'pool' && was !== 'pool') {
      const mine = existing.fields.ownerId === session.user.id;
      if (!mine && !can(session.access.access, 'account', 'assign')) throw new Rejection('FORBIDDEN', 'only the owner or someone who may assign accounts may release one to the pool');
      delete values.ownerId;
      const reason = session.user.id === RULES_USER_ID ? 'auto_return' : 'released';
      return pooledValues(existing.fields, now, reason);
    }
    if (wants === 'owned' && was === 'pool') {
      // A manager may hand a pool account to a rep; anyone else claims it for themselves.
      const assigns = can(session.access.access, 'account', 'assign') && session.access.view.account?.all === true;
      if (!assigns && !session.access.access.pool) throw new Rejection('FORBIDDEN', 'your roles do not let you claim accounts from the pool', [{ field: 'ownerId', key: 'permission.pool' }]);
      const claimer = assigns && typeof owner === 'string' && owner !== POOL_OWNER ? owner : session.user.id;
      const rules = await loadPoolRules(q);
      const issue = claimIssue(existing.fields, claimer, now, rules, await ownedAccounts(q, this.store.dialect, claimer, existing.fields.level));
      if (issue) throw new Rejection('POOL_RULE', `the pool rules refuse this claim: ${issue.key}`, [{ field: issue.field, key: issue.key }]);
      delete values.ownerId;
      return claimedValues(claimer, now);
    }
    if (wants === 'owned' && was !== 'pool' && base.poolState === 'pool') {
      // The same user's claim from another device (anyone else's was refused by refuseTakenClaim): it is theirs already.
      delete values.ownerId;
      return {};
    }
    if (was === 'pool' && 'ownerId' in values && values.ownerId !== existing.fields.ownerId) {
      throw new Rejection('VALIDATION', 'an account in the pool changes hands by being claimed', [{ field: 'ownerId', key: 'pool.claimInstead' }]);
    }
    // A manager handing an owned account to someone else restarts its pool clock.
    if ('ownerId' in values && values.ownerId !== existing.fields.ownerId) return { ownedSince: now };
    return {};
  }

  /**
   * A claim of a pool account (the user saw it in the pool) that someone else claimed first (撞单):
   * refused with CLAIM_TAKEN naming the winner. The same user's claim from a second device passes.
   */
  private async refuseTakenClaim(q: SqlRunner, session: Session, existing: StoredRecord, changes: Record<string, unknown>, base: Record<string, unknown>): Promise<void> {
    if (changes.poolState !== 'owned' || base.poolState !== 'pool' || existing.fields.poolState === 'pool' || existing.fields.ownerId === session.user.id) return;
    const by = await this.userName(q, typeof existing.fields.ownerId === 'string' ? existing.fields.ownerId : null);
    throw new Rejection('CLAIM_TAKEN', `${by || 'someone else'} claimed this account first`, [{ field: 'ownerId', key: 'pool.claimTaken' }]);
  }

  /**
   * Follow-up discipline: an activity moves its account's (or lead's) last and next follow-up
   * (src-shared/sales/follow-up.rules.ts). Written here as a change of the parent, so every
   * client gets it, rather than by each client (two reps' offline activities would race).
   */
  private async followUp(q: SqlRunner, session: Session, activity: Record<string, unknown>, now: number, keys: Set<string>): Promise<number> {
    const parent = effectiveParent('activity', activity);
    if (!parent) return 0;
    const p = await loadRecord(q, parent.entity, parent.id);
    if (!p || p.deletedAt !== null) return 0;
    const values = followUpValues(p.fields, activity);
    const changed = Object.keys(values).filter((f) => !sameValue(p.fields[f], values[f]));
    if (changed.length === 0) return 0;
    const cn = await nextCn(q);
    const record: StoredRecord = {
      ...p,
      fields: { ...p.fields, ...values },
      fieldVersions: { ...p.fieldVersions, ...Object.fromEntries(changed.map((f) => [f, cn])) },
      version: cn,
      updatedAt: now,
      updatedBy: session.user.id,
    };
    await saveRecord(q, record);
    keys.add(record.visKey);
    await logChange(q, { cn, entity: record.entity, recordId: record.id, kind: 'update', fields: changed, visKey: record.visKey, oldVisKey: null, userId: session.user.id, deviceId: session.deviceId, at: now });
    await writeAudit(q, { cn, entity: record.entity, recordId: record.id, kind: 'update', userId: session.user.id, deviceId: session.deviceId, at: now }, changedValues(changed, p.fields, record.fields));
    return cn;
  }

  private async apply(q: SqlRunner, session: Session, m: Mutation, keys: Set<string>): Promise<{ result: MutationResult; cn: number }> {
    const entity = m.entity;
    this.refuseAction(session, entity, m.op === 'restore' ? 'delete' : m.op);
    // Ids and references are keys in both stores; PostgreSQL refuses NUL in text, so say so here
    // rather than fail the whole push.
    const refs = [m.recordId, m.changes.ownerId, ...Object.values(m.changes).filter((v): v is string => typeof v === 'string' && v.length <= 64)];
    if (refs.some((v) => typeof v === 'string' && v.includes('\u0000'))) throw new Rejection('VALIDATION', 'ids and references may not contain NUL characters');
    // Text is stored as JSON, which PostgreSQL refuses to read back with half a surrogate pair in it.
    const broken = Object.entries(m.changes).find(([, v]) => hasBrokenText(v));
    if (broken || hasBrokenText(m.recordId)) throw new Rejection('VALIDATION', `${broken?.[0] ?? 'id'} holds malformed text (an unpaired surrogate)`, [{ field: broken?.[0] ?? 'id', key: 'validation.format' }]);
    const existing = await loadRecord(q, entity, m.recordId);
    const now = this.now();
    const userId = session.user.id;
    const log = async (cn: number, r: StoredRecord, kind: ChangeKind, fields: string[] | null, oldVisKey: string | null, audit: AuditValue[]) => {
      keys.add(r.visKey);
      if (oldVisKey) keys.add(oldVisKey);
      await logChange(q, { cn, entity: r.entity, recordId: r.id, kind, fields, visKey: r.visKey, oldVisKey, userId, deviceId: session.deviceId, at: now });
      await writeAudit(q, { cn, entity: r.entity, recordId: r.id, kind, userId, deviceId: session.deviceId, at: now }, audit);
    };

    switch (m.op) {
      case 'create': {
        if (existing) throw new Rejection('DUPLICATE_ID', `${entity} ${m.recordId} already exists`);
        this.refuseFields(session, entity, m.changes, null);
        if (typeof m.changes.ownerId === 'string' && m.changes.ownerId !== userId && m.changes.ownerId !== POOL_OWNER) this.refuseAction(session, entity, 'assign');
        const values = await this.withRules(q, entity, null, this.validate(entity, m.changes, 'create'));
        values.ownerId = values.ownerId ?? userId;
        if (entity === 'account') {
          for (const f of POOL_FIELDS) delete values[f];
          // An account may be created straight into the pool (an import of accounts nobody owns),
          // keeping when and why it went there if that is in the past.
          const sentAt = m.changes.pooledAt;
          const since = typeof sentAt === 'number' && sentAt <= now ? sentAt : now;
          const reason = m.changes.poolReason === 'auto_return' ? 'auto_return' : 'released';
          Object.assign(values, m.changes.poolState === 'pool' ? { ...pooledValues({}, since, reason), previousOwnerId: null } : { poolState: 'owned', ownedSince: now });
        }
        await this.checkOwner(q, values.ownerId, values);
        const visKey = await this.visKeyFor(q, session, entity, values);
        if (!sees(session.access, entity, visKey)) throw new Rejection('FORBIDDEN', `you cannot create a ${entity} you would not see`);
        const cn = await nextCn(q);
        const assigned: Record<string, unknown> = {};
        for (const field of serverAssignedFields(entity)) {
          assigned[field] = assignedNumber(entity, field, await nextSequence(q, `${entity}.${field}`));
          values[field] = assigned[field];
        }
        const record: StoredRecord = {
          entity,
          id: m.recordId,
          visKey,
          fields: values,
          fieldVersions: Object.fromEntries(Object.keys(values).map((k) => [k, cn])),
          version: cn,
          createdAt: now,
          createdBy: userId,
          updatedAt: now,
          updatedBy: userId,
          deletedAt: null,
          deletedBy: null,
        };
        await insertRecord(q, record);
        const parent = effectiveParent(entity, values);
        if (parent) await setParentRef(q, entity, m.recordId, parent.entity, parent.id);
        await log(cn, record, 'create', null, null, createdValues(values));
        const followCn = entity === 'activity' ? await this.followUp(q, session, values, now, keys) : 0;
        // What the rules stored differently from what was sent (an owner defaulted, a pool date).
        for (const [field, value] of Object.entries(values)) if (!sameValue(value, m.changes[field])) assigned[field] = value;
        for (const f of hiddenOf(session, entity)) delete assigned[f];
        return { result: { seq: m.seq, status: 'applied', version: cn, ...(Object.keys(assigned).length > 0 ? { assigned: assigned as FieldMap } : {}) }, cn: Math.max(cn, followCn) };
      }
      case 'update': {
        if (!existing) throw new Rejection('NOT_FOUND', `${entity} ${m.recordId} does not exist on the server`);
        // Checked before the scope: the claimer no longer sees the account, and should hear why.
        if (entity === 'account') await this.refuseTakenClaim(q, session, existing, m.changes, m.base);
        if (!sees(session.access, entity, existing.visKey)) throw new Rejection('OUT_OF_SCOPE', `${entity} ${m.recordId} is no longer visible to you`);
        this.refuseFields(session, entity, m.changes, existing.fields);
        const pooling = entity === 'account' && (m.changes.poolState === 'pool' || m.changes.poolState === 'owned');
        if (!pooling && 'ownerId' in m.changes && !sameValue(m.changes.ownerId, existing.fields.ownerId)) this.refuseAction(session, entity, 'assign');
        if (existing.deletedAt !== null) {
          return {
            result: { seq: m.seq, status: 'conflict', version: existing.version, deleted: { by: { userId: existing.deletedBy ?? '', name: await this.userName(q, existing.deletedBy) }, at: existing.deletedAt } },
            cn: 0,
          };
        }
        const values = this.validate(entity, m.changes, 'update');
        const ruled = entity === 'account' ? await this.poolUpdate(q, session, existing, values, m.base, now) : {};
        const base = m.baseVersion ?? 0;
        const applied: Record<string, unknown> = {};
        const lost: NonNullable<Extract<MutationResult, { status: 'conflict' }>['lost']> = [];
        for (const [field, value] of Object.entries(values)) {
          const current = existing.fields[field] ?? null;
          const fv = existing.fieldVersions[field] ?? 0;
          // A same-field race: someone wrote this field after the version the edit started from,
          // and the value the user saw is no longer there. First to reach the server wins.
          const raced = fv > base && !sameValue(current, m.base[field]) && !sameValue(current, value);
          if (!raced) {
            applied[field] = value;
            continue;
          }
          const writer = await q.get<{ user_id: string | null; at: number }>('SELECT user_id, at FROM changes WHERE cn = ?', [fv]);
          lost.push({
            field,
            mine: value as string,
            theirs: current as string,
            by: { userId: writer?.user_id ?? '', name: await this.userName(q, writer?.user_id ?? null) },
            at: Number(writer?.at ?? 0),
            cn: fv,
          });
        }
        Object.assign(applied, ruled);
        Object.assign(applied, await this.withRules(q, entity, existing.fields, applied));
        let cn = 0;
        let version = existing.version;
        const changed = Object.keys(applied).filter((f) => !sameValue(existing.fields[f], applied[f]));
        if (changed.length > 0) {
          const fields = { ...existing.fields, ...applied };
          if ('ownerId' in applied) await this.checkOwner(q, applied.ownerId, fields);
          const newVisKey = await this.visKeyFor(q, session, entity, fields);
          cn = await nextCn(q);
          version = cn;
          const record: StoredRecord = {
            ...existing,
            fields,
            fieldVersions: { ...existing.fieldVersions, ...Object.fromEntries(changed.map((f) => [f, cn])) },
            version: cn,
            visKey: newVisKey,
            updatedAt: now,
            updatedBy: userId,
          };
          await saveRecord(q, record);
          if (visibilityParents(entity).some((p) => p.field in applied)) {
            const parent = effectiveParent(entity, fields);
            await setParentRef(q, entity, m.recordId, parent?.entity ?? entity, parent?.id ?? null);
          }
          const moved = newVisKey !== existing.visKey;
          await log(cn, record, moved ? 'move' : 'update', changed, moved ? existing.visKey : null, changedValues(changed, existing.fields, fields));
          if (moved || 'ownerId' in applied) cn = await this.moveChildren(q, record, existing.visKey, existing.fields.ownerId, now, userId, session.deviceId, keys);
          if (entity === 'activity' && ['occurredAt', 'nextFollowUpAt', 'accountId', 'leadId'].some((f) => changed.includes(f))) {
            cn = Math.max(cn, await this.followUp(q, session, fields, now, keys));
          }
        }
        // What the server holds now for each field sent that it stored differently or not at all
        // (derived by its rules, or dropped as the server's to write); lost fields are answered in `lost`.
        const stored = { ...existing.fields, ...applied };
        const assigned: Record<string, unknown> = {};
        for (const field of new Set([...Object.keys(m.changes), ...Object.keys(applied)])) {
          if (lost.some((l) => l.field === field) || SYSTEM_COLUMNS.includes(field as (typeof SYSTEM_COLUMNS)[number])) continue;
          if (!sameValue(stored[field], m.changes[field])) assigned[field] = stored[field] ?? null;
        }
        for (const f of hiddenOf(session, entity)) delete assigned[f];
        const extra = Object.keys(assigned).length > 0 ? { assigned: assigned as FieldMap } : {};
        if (lost.length > 0) {
          return { result: { seq: m.seq, status: 'conflict', version, applied: applied as FieldMap, lost, ...extra }, cn };
        }
        return { result: { seq: m.seq, status: 'applied', version, ...extra }, cn };
      }
      case 'delete': {
        if (!existing) throw new Rejection('NOT_FOUND', `${entity} ${m.recordId} does not exist on the server`);
        if (!sees(session.access, entity, existing.visKey)) throw new Rejection('OUT_OF_SCOPE', `${entity} ${m.recordId} is no longer visible to you`);
        if (existing.deletedAt !== null) return { result: { seq: m.seq, status: 'applied', version: existing.version }, cn: 0 };
        const cn = await this.setDeleted(q, existing, now, userId, session.deviceId, keys, true);
        return { result: { seq: m.seq, status: 'applied', version: cn }, cn };
      }
      case 'restore': {
        if (!existing) throw new Rejection('NOT_FOUND', `${entity} ${m.recordId} does not exist on the server`);
        if (!sees(session.access, entity, existing.visKey)) throw new Rejection('OUT_OF_SCOPE', `${entity} ${m.recordId} is no longer visible to you`);
        if (existing.deletedAt === null) return { result: { seq: m.seq, status: 'applied', version: existing.version }, cn: 0 };
        const parent = effectiveParent(entity, existing.fields);
        if (parent) {
          const p = await loadRecord(q, parent.entity, parent.id);
          if (p && p.deletedAt !== null) throw new Rejection('VALIDATION', `the ${parent.entity} of this ${entity} is deleted; restore it first`, [{ field: parent.field, key: 'validation.ref' }]);
        }
        const cn = await this.setDeleted(q, existing, now, userId, session.deviceId, keys, false);
        return { result: { seq: m.seq, status: 'applied', version: cn }, cn };
      }
      default: {
        const exhaustive: never = m.op;
        return exhaustive;
      }
    }
  }

  /**
   * Deletes (or restores) a record and its cascading children. Children deleted with the parent
   * share its deletedAt, which is how a restore finds them (others deleted earlier stay deleted).
   */
  private async setDeleted(q: SqlRunner, record: StoredRecord, now: number, userId: string, deviceId: string, keys: Set<string>, deleting: boolean): Promise<number> {
    const stamp = record.deletedAt;
    const visit = async (r: StoredRecord): Promise<number> => {
      const cn = await nextCn(q);
      const next: StoredRecord = { ...r, version: cn, updatedAt: now, updatedBy: userId, deletedAt: deleting ? now : null, deletedBy: deleting ? userId : null };
      await saveRecord(q, next);
      keys.add(r.visKey);
      await logChange(q, { cn, entity: r.entity, recordId: r.id, kind: deleting ? 'delete' : 'restore', fields: null, visKey: r.visKey, oldVisKey: null, userId, deviceId, at: now });
      await writeAudit(q, { cn, entity: r.entity, recordId: r.id, kind: deleting ? 'delete' : 'restore', userId, deviceId, at: now }, []);
      let last = cn;
      for (const child of visibilityChildren(r.entity)) {
        const ids = await childIds(q, child.entity, r.entity, r.id);
        const kids = await loadRecords(q, child.entity, ids);
        for (const kid of kids.values()) {
          if (deleting ? kid.deletedAt !== null : kid.deletedAt !== stamp) continue;
          last = Math.max(last, await visit(kid));
        }
      }
      return last;
    };
    return visit(record);
  }

  /**
   * A parent changed hands: its children follow it out of one scope and into another, and those
   * the previous owner owned pass to the new owner with it (a contact someone else added keeps
   * its owner, but still moves with the account's visibility).
   */
  private async moveChildren(q: SqlRunner, parent: StoredRecord, oldKey: string, oldOwner: unknown, now: number, userId: string, deviceId: string, keys: Set<string>): Promise<number> {
    let last = parent.version;
    const newOwner = parent.fields.ownerId;
    for (const child of visibilityChildren(parent.entity)) {
      const ids = await childIds(q, child.entity, parent.entity, parent.id);
      const kids = await loadRecords(q, child.entity, ids);
      for (const kid of kids.values()) {
        const takesOwner = oldOwner !== newOwner && kid.fields.ownerId === oldOwner;
        const moves = kid.visKey !== parent.visKey;
        if (!moves && !takesOwner) continue;
        const cn = await nextCn(q);
        const moved: StoredRecord = takesOwner
          ? { ...kid, visKey: parent.visKey, version: cn, fields: { ...kid.fields, ownerId: newOwner }, fieldVersions: { ...kid.fieldVersions, ownerId: cn }, updatedAt: now, updatedBy: userId }
          : { ...kid, visKey: parent.visKey, version: cn };
        await saveRecord(q, moved);
        keys.add(parent.visKey);
        keys.add(oldKey);
        await logChange(q, {
          cn,
          entity: kid.entity,
          recordId: kid.id,
          kind: moves ? 'move' : 'update',
          fields: takesOwner ? ['ownerId'] : null,
          visKey: parent.visKey,
          oldVisKey: moves ? kid.visKey : null,
          userId,
          deviceId,
          at: now,
        });
        await writeAudit(q, { cn, entity: kid.entity, recordId: kid.id, kind: moves ? 'move' : 'update', userId, deviceId, at: now }, takesOwner ? changedValues(['ownerId'], kid.fields, moved.fields) : []);
        last = Math.max(last, await this.moveChildren(q, moved, kid.visKey, kid.fields.ownerId, now, userId, deviceId, keys));
      }
    }
    return last;
  }

  /** The record as a client stores it: the entity's fields, ownerId and the system columns. */
  fullFields(r: StoredRecord): Record<string, unknown> {
    return { ...r.fields, createdAt: r.createdAt, createdBy: r.createdBy, updatedAt: r.updatedAt, updatedBy: r.updatedBy };
  }

  /** A stored record as the user receives it: the fields they may read (all, or `only` of them). */
  private sendable(session: Session, r: StoredRecord, only: string[] | null): Change {
    const drop = new Set([...unknownFields(r.entity, session.schema), ...hiddenOf(session, r.entity)]);
    if (only === null) {
      const fields = withoutFields(this.fullFields(r), drop);
      return { cn: r.version, entity: r.entity, recordId: r.id, op: 'upsert', version: r.version, full: true, fields: fields as Change['fields'] };
    }
    const fields: Record<string, unknown> = { updatedAt: r.updatedAt, updatedBy: r.updatedBy };
    for (const f of only) fields[f] = r.fields[f] ?? null;
    return { cn: r.version, entity: r.entity, recordId: r.id, op: 'upsert', version: r.version, fields: withoutFields(fields, drop) as Change['fields'] };
  }

  /** Records the device's replica was filled under this print from now on (its first sync starts). */
  private async baseline(session: Session, print: AccessPrint): Promise<{ baseline: AccessPrint; target: AccessPrint | null; progress: RescopeProgress | null } | null> {
    const row = await this.store.get<{ baseline: string; target: string | null; progress: string | null }>('SELECT baseline, target, progress FROM device_access WHERE device_id = ?', [session.deviceId]);
    if (!row) {
      await this.store.run('INSERT INTO device_access (device_id, baseline, target, progress, updated_at) VALUES (?, ?, NULL, NULL, ?) ON CONFLICT (device_id) DO NOTHING', [session.deviceId, encodePrint(print), this.now()]);
      return null;
    }
    return { baseline: decodePrint(row.baseline), target: row.target ? decodePrint(row.target) : null, progress: row.progress ? (JSON.parse(row.progress) as RescopeProgress) : null };
  }

  /**
   * A new device of a user continuing an earlier device's replica (signing in again after its
   * session expired): it starts from what that replica was brought in line with, so the next pull
   * rescopes it if the user's access changed meanwhile. Another user's device is ignored.
   */
  async continueReplica(userId: string, fromDevice: string, toDevice: string): Promise<void> {
    const row = await this.store.get<{ baseline: string; target: string | null }>(
      'SELECT a.baseline, a.target FROM device_access a JOIN devices d ON d.id = a.device_id WHERE a.device_id = ? AND d.user_id = ?',
      [fromDevice, userId],
    );
    if (!row) return;
    // A rescope cut short: the replica may hold what either side allowed.
    const baseline = row.target ? encodePrint(unionPrint(decodePrint(row.baseline), decodePrint(row.target))) : row.baseline;
    await this.store.run('INSERT INTO device_access (device_id, baseline, target, progress, updated_at) VALUES (?, ?, NULL, NULL, ?) ON CONFLICT (device_id) DO NOTHING', [toDevice, baseline, this.now()]);
  }

  /** Called when a first sync starts: the snapshot is taken under the user's access as it is now. */
  async startFirstSync(session: Session): Promise<void> {
    const print = encodePrint(accessPrint(session.access));
    await this.store.run(
      'INSERT INTO device_access (device_id, baseline, target, progress, updated_at) VALUES (?, ?, NULL, NULL, ?) ON CONFLICT (device_id) DO UPDATE SET baseline = excluded.baseline, target = NULL, progress = NULL, updated_at = excluded.updated_at',
      [session.deviceId, print, this.now()],
    );
  }

  /**
   * The next page of a rescope when the user's access changed since the device was last brought in
   * line (roles, department, manager, a role's scopes or field permissions): records that left go
   * as `remove`, records that entered come in full, fields that became readable come for the
   * records that stayed. Null when the device is in line. Fields that became hidden are the
   * client's to clear when it gets the new access (sent with every page here).
   */
  private async rescope(session: Session, limit: number): Promise<Change[] | null> {
    const now = accessPrint(session.access);
    const state = await this.baseline(session, now);
    if (!state) return null;
    let from = state.baseline;
    let progress = state.progress;
    if (state.target === null || !samePrint(state.target, now)) {
      if (state.target === null && samePrint(state.baseline, now)) return null;
      // A new target, or another change while one was being sent: the device may hold what either allowed.
      if (state.target !== null) from = unionPrint(state.baseline, state.target);
      progress = { i: 0, step: 'leave', after: '' };
    }
    const page = await rescopePage(this.store, from, now, progress ?? { i: 0, step: 'leave', after: '' }, limit, (r, only) => this.sendable(session, r, only));
    if (page.next === null) {
      await this.store.run('UPDATE device_access SET baseline = ?, target = NULL, progress = NULL, updated_at = ? WHERE device_id = ?', [encodePrint(now), this.now(), session.deviceId]);
    } else {
      await this.store.run('UPDATE device_access SET baseline = ?, target = ?, progress = ?, updated_at = ? WHERE device_id = ?', [
        encodePrint(from),
        encodePrint(now),
        JSON.stringify(page.next),
        this.now(),
        session.deviceId,
      ]);
    }
    return page.changes;
  }

  /**
   * Changes since `cursor` that this user may see, one entry per record (its state now), and the
   * cursor to ask from next. A record that left the user's scope comes as `remove`. While the
   * user's access is changing the device's replica (rescope), pages of that come first, with the
   * cursor unchanged and the new `access`.
   */
  async pull(session: Session, cursor: number, limit: number): Promise<{ cursor: number; hasMore: boolean; changes: Change[]; access?: Access }> {
    const rescoped = await this.rescope(session, limit);
    if (rescoped !== null) return { cursor, hasMore: true, changes: rescoped, access: session.access.access };
    const head = await headCn(this.store);
    if (cursor >= head) return { cursor: Math.max(cursor, head), hasMore: false, changes: [] };
    type Row = { cn: number; entity: EntityName; record_id: string; kind: ChangeKind; fields: string | null; vis_key: string; old_vis_key: string | null };
    const cols = 'cn, entity, record_id, kind, fields, vis_key, old_vis_key';
    // Entities grouped by the keys they are read under: one condition per group.
    const view = session.access.view;
    const readable = entityNames.filter((e) => view[e]);
    const groups = new Map<string, { entities: EntityName[]; keys: string[] | null }>();
    for (const e of readable) {
      const scope = view[e]!;
      const id = scope.all ? '' : scope.keys.join('\u0000');
      const g = groups.get(id) ?? { entities: [], keys: scope.all ? null : scope.keys };
      g.entities.push(e);
      groups.set(id, g);
    }
    const conditions: string[] = [];
    const params: SqlParam[] = [cursor, head];
    for (const g of groups.values()) {
      const every = g.entities.length === entityNames.length;
      const parts: string[] = [];
      if (!every) {
        parts.push(`entity IN (${placeholders(g.entities.length)})`);
        params.push(...g.entities);
      }
      if (g.keys) {
        parts.push(`(vis_key IN (${placeholders(g.keys.length)}) OR old_vis_key IN (${placeholders(g.keys.length)}))`);
        params.push(...g.keys, ...g.keys);
      }
      conditions.push(parts.length > 0 ? parts.join(' AND ') : '1 = 1');
    }
    const where = conditions.length === 0 ? '1 = 0' : conditions.length === 1 ? conditions[0]! : conditions.map((c) => `(${c})`).join(' OR ');
    let rows = await this.store.all<Row>(`SELECT ${cols} FROM changes WHERE cn > ? AND cn <= ? AND (${where}) ORDER BY cn LIMIT ?`, [...params, limit + 1]);
    const hasMore = rows.length > limit;
    if (hasMore) rows = rows.slice(0, limit);
    const next = hasMore ? Number(rows[rows.length - 1]!.cn) : head;

    // One entry per record, placed at its last change in this page.
    const byRecord = new Map<string, { entity: EntityName; id: string; cn: number; full: boolean; fields: Set<string> }>();
    for (const r of rows) {
      const key = `${r.entity}\u0000${r.record_id}`;
      let g = byRecord.get(key);
      if (!g) {
        g = { entity: r.entity, id: r.record_id, cn: 0, full: false, fields: new Set() };
        byRecord.set(key, g);
      }
      g.cn = Number(r.cn);
      const entered = r.kind === 'create' || r.kind === 'restore' || (r.kind === 'move' && !sees(session.access, r.entity, r.old_vis_key));
      if (entered) g.full = true;
      if (r.fields) for (const f of JSON.parse(r.fields) as string[]) g.fields.add(f);
    }
    const byEntity = new Map<EntityName, string[]>();
    for (const g of byRecord.values()) byEntity.set(g.entity, [...(byEntity.get(g.entity) ?? []), g.id]);
    const current = new Map<string, StoredRecord>();
    for (const [entity, ids] of byEntity) for (const [id, r] of await loadRecords(this.store, entity, ids)) current.set(`${entity}\u0000${id}`, r);

    const changes: Change[] = [];
    for (const [key, g] of [...byRecord.entries()].sort((a, b) => a[1].cn - b[1].cn)) {
      const r = current.get(key);
      if (!r || !sees(session.access, g.entity, r.visKey)) {
        changes.push({ cn: g.cn, entity: g.entity, recordId: g.id, op: 'remove' });
      } else if (r.deletedAt !== null) {
        changes.push({ cn: g.cn, entity: g.entity, recordId: g.id, op: 'delete', version: r.version });
      } else if (g.full) {
        changes.push({ ...this.sendable(session, r, null), cn: g.cn });
      } else {
        const hidden = hiddenOf(session, g.entity);
        const fields = [...g.fields].filter((f) => !hidden.has(f));
        // A change only to fields the user may not read tells them nothing: not sent at all.
        if (fields.length === 0 && g.fields.size > 0) continue;
        changes.push({ ...this.sendable(session, r, fields), cn: g.cn });
      }
    }
    return { cursor: next, hasMore, changes };
  }

  /** One page of the first sync as an object (see snapshotJson, which the HTTP route sends). */
  async snapshot(session: Session, entity: EntityName, after: string, limit: number): Promise<SnapshotPage> {
    return JSON.parse(await this.snapshotJson(session, entity, after, limit)) as SnapshotPage;
  }

  /**
   * One page of the first sync, as the JSON text of a SnapshotPage: live records of one entity
   * visible to the user, in id order. Columns are named once and rows sent as arrays, which halves
   * the bytes of a large snapshot. The database writes each row's JSON array itself (SQLite
   * json_array, PostgreSQL json_build_array) from the stored field map, so a page of 20,000
   * records is never parsed into objects and serialised again here: that was most of the server's
   * share of a first sync.
   */
  async snapshotJson(session: Session, entity: EntityName, after: string, limit: number): Promise<string> {
    const asOf = await headCn(this.store);
    const scope = session.access.view[entity];
    if (!scope) {
      // Not an entity the user may read: an empty page.
      return `{"asOf":${asOf},"columns":["id","version"],"rows":[],"next":null,"total":${after === '' ? 0 : 'null'}}`;
    }
    const scopeSql = scope.all ? '' : ` AND vis_key IN (${placeholders(scope.keys.length)})`;
    const scopeParams = scope.all ? [] : scope.keys;
    const drop = new Set([...unknownFields(entity, session.schema), ...hiddenOf(session, entity)]);
    const fieldNames = ['ownerId', ...Object.keys(entities[entity].fields).filter((f) => !drop.has(f))];
    const columns = ['id', 'version', ...SYSTEM_COLUMNS, ...fieldNames];
    // Field names are identifiers from the entity definitions, never user input. SQLite reads the
    // stored map once per row (json_extract with several paths answers a JSON array of their
    // values, there are always two or more) and the system columns are put in front of it;
    // PostgreSQL parses it once in the subquery.
    const sql =
      this.store.dialect === 'pg'
        ? `SELECT id, json_build_array(id, version, created_at, created_by, updated_at, updated_by, ${fieldNames.map((f) => `f -> '${f}'`).join(', ')})::text AS row FROM (SELECT id, version, created_at, created_by, updated_at, updated_by, fields::json AS f FROM records WHERE entity = ? AND deleted_at IS NULL AND id > ?${scopeSql} ORDER BY id LIMIT ?) page ORDER BY id`
        : `SELECT id, '[' || json_quote(id) || ',' || version || ',' || created_at || ',' || json_quote(created_by) || ',' || updated_at || ',' || json_quote(updated_by) || ',' || substr(json_extract(fields, ${fieldNames.map((f) => `'$.${f}'`).join(', ')}), 2) AS row FROM records WHERE entity = ? AND deleted_at IS NULL AND id > ?${scopeSql} ORDER BY id LIMIT ?`;
    const rows = await this.store.all<{ id: string; row: string }>(sql, [entity, after, ...scopeParams, limit + 1]);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    let total: number | null = null;
    if (after === '') {
      const row = await this.store.get<{ n: number }>(`SELECT count(*) AS n FROM records WHERE entity = ? AND deleted_at IS NULL${scopeSql}`, [entity, ...scopeParams]);
      total = Number(row?.n ?? 0);
    }
    const next = more ? page[page.length - 1]!.id : null;
    return `{"asOf":${asOf},"columns":${JSON.stringify(columns)},"rows":[${page.map((r) => r.row).join(',')}],"next":${JSON.stringify(next)},"total":${total === null ? 'null' : total}}`;
  }
}
