import type Database from 'better-sqlite3';
import type { SessionUser, SyncStatus } from '../../../src-shared/api/client-api.contract';
import { entities, entityNames, type EntityName } from '../../../src-shared/entities/index';
import { CLIENT_SCHEMA_VERSION, MAX_PUSH_MUTATIONS, SNAPSHOT_PAGE, connectionErrorKey, type DirectoryUser, type Mutation } from '../../../src-shared/sync/protocol.contract';
import type { Access } from '../../../src-shared/permissions/access';
import { CrmError } from '../../../src-shared/result';
import { deferIndexes, readMeta, restoreDeferredIndexes, writeMeta } from '../db/replica';
import { logCore } from '../log';
import type { OutboxEntry } from '../outbox/outbox.repository';
import type { RecordRepository } from '../records/record.repository';
import type { ConflictRepository } from './conflict.repository';
import { ReplicaSync, type Touched } from './replica-sync';
import { SyncFailure, type SyncConnection, type SyncConnector } from './sync-connection';
import type { SyncLogRepository } from './sync-log.repository';

const PULL_LIMIT = 1000;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** A pull now and then even without pokes, in case a notification was lost on the way. */
const SAFETY_PULL_MS = 5 * 60_000;
/** Local writes are pushed after this pause, so a burst of edits goes in one message. */
const PUSH_DELAY_MS = 15;

/** What the engine keeps in replica_meta (survives restarts and killed processes). */
interface Credentials {
  server: string;
  token: string;
  deviceId: string;
  user: SessionUser;
}

/** The sign-in whose session the server ended for idleness: its replica and outbox wait for it. */
interface ExpiredSession {
  server: string;
  user: SessionUser;
}

interface SnapshotProgress {
  asOf: number;
  entity: EntityName;
  after: string;
  received: number;
  total: number | null;
}

export interface SyncEngineDeps {
  sqlite: Database.Database;
  records: RecordRepository;
  conflicts: ConflictRepository;
  log: SyncLogRepository;
  connector: SyncConnector;
  deviceName: string;
  /** Status changes, record changes applied from the server, inbox changes, wholesale resets. */
  onStatus(status: SyncStatus): void;
  onTouched(touched: Touched): void;
  onReset(): void;
  onConflicts(open: number): void;
  /** The user's access changed (a sign-in, the server's word on connecting or in a rescope, sign-out). */
  onAccess?(access: Access | null): void;
  now?: () => number;
  random?: () => number;
  /** Keep a live connection and sync by itself (the app); the CLI runs single cycles instead. */
  live?: boolean;
  /** Records per snapshot page (tests use small pages to interrupt a first sync part-way). */
  snapshotPage?: number;
}

/** Connection-level refusals after which retrying cannot help until someone acts. */
const FINAL = new Set(['DEVICE_REVOKED', 'USER_DISABLED', 'AUTH_FAILED', 'ACCOUNT_LOCKED', 'SESSION_EXPIRED', 'PROTOCOL_TOO_OLD', 'PROTOCOL_TOO_NEW', 'SCHEMA_TOO_OLD', 'SCHEMA_TOO_NEW']);

/**
 * The client half of the sync protocol, inside the data core. Every step is local first: the
 * outbox and the cursor live in the replica, so a restart (or a killed process) resumes where it
 * was: unanswered pushes are sent again (the server answers a repeated (device, seq) from its
 * store) and a page whose cursor was not stored is pulled again and applied idempotently.
 */
export class SyncEngine {
  readonly apply: ReplicaSync;
  private conn: SyncConnection | null = null;
  private connecting: Promise<SyncConnection> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private safetyTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = true;
  private state: SyncStatus['state'] = 'signedOut';
  /** The last failure, kept in the replica so a later process (the CLI's `status`) still shows it. */
  private get lastError(): { key: string; message: string } | null {
    const raw = readMeta(this.deps.sqlite, 'sync.lastError');
    return raw ? (JSON.parse(raw) as { key: string; message: string }) : null;
  }

  private set lastError(value: { key: string; message: string } | null) {
    writeMeta(this.deps.sqlite, 'sync.lastError', value ? JSON.stringify(value) : '');
  }
  private retryAt: number | null = null;
  private initial: SyncStatus['initial'] = null;
  /** Search entries being built after a first sync (see buildSearch), for the status. */
  private indexing: SyncStatus['searchIndex'] = null;
  private indexRun: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: SyncEngineDeps) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.apply = new ReplicaSync(deps.sqlite, deps.records, deps.conflicts, this.now);
    this.apply.useAccess(this.access());
    this.state = this.credentials() ? 'offline' : 'signedOut';
  }

  // --- persisted state ----------------------------------------------------------------------

  credentials(): Credentials | null {
    const raw = readMeta(this.deps.sqlite, 'sync.credentials');
    return raw ? (JSON.parse(raw) as Credentials) : null;
  }

  get user(): SessionUser | null {
    return this.credentials()?.user ?? null;
  }

  /** The server's users as last fetched. */
  directory(): DirectoryUser[] {
    const raw = readMeta(this.deps.sqlite, 'sync.directory');
    return raw ? (JSON.parse(raw) as DirectoryUser[]) : [];
  }

  lastServer(): string | null {
    return readMeta(this.deps.sqlite, 'sync.lastServer');
  }

  /** Set while signed out because the session expired (see expire). */
  expiredSession(): ExpiredSession | null {
    const raw = readMeta(this.deps.sqlite, 'sync.expired');
    return raw ? (JSON.parse(raw) as ExpiredSession) : null;
  }

  cursor(): number {
    return Number(readMeta(this.deps.sqlite, 'sync.cursor') ?? 0);
  }

  /**
   * The signed-in user's permissions as the server last sent them, or null: no restrictions known
   * (a replica used on its own, a server older than permissions). Kept while a session expires (the
   * same user comes back), cleared with everything else of the user at sign-out.
   */
  access(): Access | null {
    const raw = readMeta(this.deps.sqlite, 'sync.access');
    return raw ? (JSON.parse(raw) as Access) : null;
  }

  /**
   * What of a received access is new: null when it is absent (an older server, a page that is not
   * a rescope) or the same as the stored one, else the access and its text to store.
   */
  private newAccess(access: Access | undefined): { access: Access; text: string } | null {
    if (!access) return null;
    const text = JSON.stringify(access);
    return text === readMeta(this.deps.sqlite, 'sync.access') ? null : { access, text };
  }

  /**
   * Stores an access that came on its own (the server's welcome) after clearing the fields it
   * hides, in one transaction, and tells the views.
   */
  private receiveAccess(access: Access | undefined): void {
    const next = this.newAccess(access);
    if (!next) return;
    const sqlite = this.deps.sqlite;
    const touched: Touched = new Map();
    sqlite.transaction(() => {
      this.apply.applyAccess(next.access, touched);
      writeMeta(sqlite, 'sync.access', next.text);
    })();
    if (touched.size > 0) this.deps.onTouched(touched);
    this.accessChanged(next.access);
  }

  private accessChanged(access: Access): void {
    const hidden = Object.values(access.fields).reduce((n, fields) => n + Object.values(fields).filter((l) => l === 'hidden').length, 0);
    this.logEntry('access', true, `permissions changed: roles ${access.roles.join(', ') || 'none'}, ${Object.keys(access.entities).length} entities, ${hidden} hidden fields`);
    this.deps.onAccess?.(access);
  }

  private snapshotProgress(): SnapshotProgress | null {
    const raw = readMeta(this.deps.sqlite, 'sync.snapshot');
    return raw ? (JSON.parse(raw) as SnapshotProgress) : null;
  }

  private snapshotDone(): boolean {
    return readMeta(this.deps.sqlite, 'sync.snapshotDone') === '1';
  }

  private lastSyncAt(): number | null {
    const v = readMeta(this.deps.sqlite, 'sync.lastSyncAt');
    return v ? Number(v) : null;
  }

  status(): SyncStatus {
    const creds = this.credentials();
    return {
      state: creds ? this.state : 'signedOut',
      pending: this.deps.records.outbox.pendingCount(),
      conflicts: this.deps.conflicts.openCount(),
      lastSyncAt: this.lastSyncAt(),
      lastError: this.lastError?.message ?? null,
      lastErrorKey: this.lastError?.key ?? null,
      retryAt: this.retryAt,
      server: creds?.server ?? this.lastServer(),
      lastUsername: creds ? null : (this.expiredSession()?.user.username ?? null),
      initial: this.initial,
      searchIndex: this.indexing,
    };
  }

  private setState(state: SyncStatus['state']): void {
    this.state = state;
    this.deps.onStatus(this.status());
  }

  private logEntry(kind: string, ok: boolean, detail: string, ms: number | null = null, bytes: number | null = null): void {
    this.deps.log.add({ at: this.now(), kind, ok, detail, ms, bytes });
  }

  // --- sign-in / sign-out -------------------------------------------------------------------

  async login(server: string, username: string, password: string): Promise<SessionUser> {
    const started = this.now();
    let answer;
    try {
      answer = await this.deps.connector.login(server, username, password, this.deps.deviceName);
    } catch (error) {
      const failure = error instanceof SyncFailure ? error : new SyncFailure('NETWORK', String(error));
      this.logEntry('login', false, `${failure.code}: ${failure.message}`, this.now() - started);
      throw toCrmError(failure);
    }
    this.stop();
    const previous = this.credentials() ?? this.expiredSession();
    // After an expired session, the same user on the same server carries on where the replica
    // was: records, cursor and outbox stay, and the pending changes go out under the new device.
    const expired = this.credentials() ? null : this.expiredSession();
    const resume = expired !== null && expired.user.id === answer.user.id && expired.server === server;
    // Another user's data never stays on the device; the same user keeps unsent work.
    if (previous && previous.user.id !== answer.user.id) this.apply.wipe();
    else if (!resume) this.apply.clearForSignIn();
    const sqlite = this.deps.sqlite;
    // Unsent work kept through the sign-in may hold fields this user may not see: cleared as on any new access.
    const access = answer.access ?? null;
    sqlite.transaction(() => {
      writeMeta(sqlite, 'sync.credentials', JSON.stringify({ server, token: answer.token, deviceId: answer.deviceId, user: answer.user } satisfies Credentials));
      writeMeta(sqlite, 'sync.lastServer', server);
      sqlite.prepare("DELETE FROM replica_meta WHERE key = 'sync.expired'").run();
      this.apply.applyAccess(access, new Map());
      if (access) writeMeta(sqlite, 'sync.access', JSON.stringify(access));
      else sqlite.prepare("DELETE FROM replica_meta WHERE key = 'sync.access'").run();
      if (resume) return;
      writeMeta(sqlite, 'sync.cursor', '0');
      writeMeta(sqlite, 'sync.snapshotDone', '0');
      sqlite.prepare("DELETE FROM replica_meta WHERE key IN ('sync.snapshot', 'sync.lastSyncAt')").run();
    })();
    this.lastError = null;
    // The sign-in screen turns into first-sync progress at once, before the first page arrives.
    const progress = this.snapshotProgress();
    this.initial = resume && this.snapshotDone() ? null : { received: resume ? (progress?.received ?? 0) : 0, total: resume ? (progress?.total ?? null) : null };
    const how = resume ? `, resuming the replica with ${this.deps.records.outbox.pendingCount()} unsent changes` : '';
    this.logEntry('login', true, `signed in as ${answer.user.username} on ${server} (device ${answer.deviceId})${how}`, this.now() - started);
    this.deps.onAccess?.(access);
    this.deps.onReset();
    this.setState('offline');
    return answer.user;
  }

  /**
   * Signs out. Unsent changes are pushed first; when that fails they would be lost, so the caller
   * must say `force`. The replica is cleared: the next user of this device sees nothing of this one's.
   */
  async logout(force: boolean): Promise<{ pending: number }> {
    const creds = this.credentials();
    if (!creds) return { pending: 0 };
    if (this.deps.records.outbox.pendingCount() > 0 && !force) {
      await this.syncNow();
      const left = this.deps.records.outbox.pendingCount();
      if (left > 0) throw new CrmError('SYNC_REFUSED', `${left} changes are not on the server yet; sign out anyway to discard them`);
    }
    this.stop();
    await this.deps.connector.logout(creds.server, creds.token).catch(() => undefined);
    this.forget('signed out');
    return { pending: 0 };
  }

  /** Clears credentials and every record of the user (sign-out, revoked device). */
  private forget(reason: string): void {
    this.stop();
    const sqlite = this.deps.sqlite;
    this.apply.wipe();
    restoreDeferredIndexes(sqlite);
    sqlite.prepare("DELETE FROM replica_meta WHERE key IN ('sync.credentials', 'sync.expired', 'sync.cursor', 'sync.snapshot', 'sync.snapshotDone', 'sync.lastSyncAt', 'sync.directory', 'sync.access')").run();
    this.apply.useAccess(null);
    this.initial = null;
    this.logEntry('signout', true, reason);
    this.deps.onAccess?.(null);
    this.deps.onReset();
    this.setState('signedOut');
  }

  /**
   * The server ended the session for idleness. Unlike a revoked device, nothing of the user's
   * goes: the replica, the outbox and the inbox stay, only the token is dropped, and the sign-in
   * screen asks the same user to sign in again (login resumes), with the reason.
   */
  private expire(message: string): void {
    const creds = this.credentials();
    if (!creds) return;
    this.stop();
    const sqlite = this.deps.sqlite;
    sqlite.transaction(() => {
      writeMeta(sqlite, 'sync.expired', JSON.stringify({ server: creds.server, user: creds.user } satisfies ExpiredSession));
      sqlite.prepare("DELETE FROM replica_meta WHERE key = 'sync.credentials'").run();
    })();
    // A first sync cut short here goes on after the sign-in; the screen meanwhile is the sign-in form.
    restoreDeferredIndexes(sqlite);
    this.initial = null;
    this.retryAt = null;
    this.lastError = { key: 'sync.error.sessionExpired', message };
    this.logEntry('signout', true, `the session expired; ${this.deps.records.outbox.pendingCount()} unsent changes are kept for ${creds.user.username}`);
    this.setState('signedOut');
  }

  // --- running ------------------------------------------------------------------------------

  /** Starts syncing by itself (live connection, pokes, retries). */
  start(): void {
    // Without `live` (the CLI, tests) sync runs only when asked, never from timers.
    if (!this.credentials() || !this.deps.live) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.safetyTimer) clearTimeout(this.safetyTimer);
    this.timer = null;
    this.safetyTimer = null;
    this.conn?.close();
    this.conn = null;
  }

  /** A local write happened: push it soon. */
  localChange(): void {
    if (!this.stopped && this.failures === 0) this.schedule(PUSH_DELAY_MS);
    else this.deps.onStatus(this.status());
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.syncNow().catch(() => undefined);
    }, delay);
  }

  /**
   * One full cycle (connect, first sync if needed, push everything, pull everything). Calls made
   * while a cycle runs make it run once more, so nothing waits for the next poke.
   */
  syncNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.cycle();
        } while (this.again && this.credentials());
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async connection(): Promise<SyncConnection> {
    if (this.conn) return this.conn;
    const creds = this.credentials();
    if (!creds) throw new SyncFailure('AUTH_FAILED', 'not signed in');
    this.connecting ??= this.deps.connector
      .connect(creds.server, creds.token, this.cursor(), {
        onPoke: (cursor, org) => {
          // A poke can still arrive while the core is closing (the socket closes after the replica).
          if (this.stopped || !this.deps.sqlite.open) return;
          if (org === true || cursor > this.cursor()) this.schedule(0);
        },
        onClose: (failure) => {
          this.conn = null;
          if (this.stopped) return;
          this.onFailure(failure);
        },
      })
      .finally(() => {
        this.connecting = null;
      });
    const conn = await this.connecting;
    this.conn = conn;
    this.logEntry('connect', true, `connected to ${creds.server}`);
    // The welcome's access comes before anything else of this connection is applied.
    this.receiveAccess(conn.access);
    // Owner names and the owner picker: refreshed on each connection (a few hundred names).
    try {
      writeMeta(this.deps.sqlite, 'sync.directory', JSON.stringify(await conn.directory()));
    } catch (error) {
      if (!(error instanceof SyncFailure)) throw error;
      this.logEntry('directory', false, `${error.code}: ${error.message}`);
    }
    return conn;
  }

  /**
   * A question only the server can answer (a record's history), asked on the live connection
   * and never queued: offline, or signed out, it fails at once with SERVER_REQUIRED. Without a
   * live connection (the CLI, tests) a connection is made for it.
   */
  async askServer<T>(ask: (conn: SyncConnection) => Promise<T>): Promise<T> {
    if (!this.credentials()) throw new CrmError('SERVER_REQUIRED', 'not signed in to a sync server');
    if (this.deps.live && !this.conn) throw new CrmError('SERVER_REQUIRED', 'not connected to the sync server');
    try {
      return await ask(await this.connection());
    } catch (error) {
      if (!(error instanceof SyncFailure)) throw error;
      this.logEntry('error', false, `${error.code}: ${error.message}`);
      throw error.code === 'NETWORK' ? new CrmError('SERVER_REQUIRED', error.message) : toCrmError(error);
    } finally {
      // A connection made for this question only is not kept (a running cycle keeps and closes its own).
      if (!this.deps.live && !this.running) {
        this.conn?.close();
        this.conn = null;
      }
    }
  }

  private async cycle(): Promise<void> {
    if (!this.credentials()) return;
    this.setState('syncing');
    try {
      // A search build owed by a first sync (the process ended during it) goes on, offline or not.
      await this.buildSearch();
      const conn = await this.connection();
      if (!this.snapshotDone()) await this.firstSync(conn);
      // Downloads are not blocked by uploads: when a push fails but the connection still stands
      // (the server refused that one message), the pull goes ahead and the push is retried later.
      let pushFailure: unknown = null;
      try {
        await this.pushAll(conn);
      } catch (error) {
        pushFailure = error;
      }
      await this.pullAll(conn);
      if (pushFailure) throw pushFailure;
      this.failures = 0;
      this.retryAt = null;
      this.lastError = null;
      writeMeta(this.deps.sqlite, 'sync.lastSyncAt', String(this.now()));
      if (!this.deps.live) {
        this.conn?.close();
        this.conn = null;
      }
      this.setState(this.conn ? 'online' : 'offline');
      await this.buildSearch();
      if (this.deps.live && !this.stopped) {
        if (this.safetyTimer) clearTimeout(this.safetyTimer);
        this.safetyTimer = setTimeout(() => this.schedule(0), SAFETY_PULL_MS);
      }
    } catch (error) {
      this.conn?.close();
      this.conn = null;
      if (!(error instanceof SyncFailure)) {
        // A bug on this side, not a refusal by the server: logged in full, shown as such, retried.
        logCore('error', 'sync cycle failed', { error: String((error as Error)?.stack ?? error) });
        this.onFailure(new SyncFailure('INTERNAL', `client error: ${(error as Error)?.message ?? String(error)}`), 'sync.error.client');
        if (!this.deps.live) throw error;
        return;
      }
      this.onFailure(error);
      if (!this.deps.live) throw toCrmError(error);
    }
  }

  private onFailure(failure: SyncFailure, key?: string): void {
    this.logEntry('error', false, `${failure.code}: ${failure.message}`);
    if (failure.code === 'DEVICE_REVOKED') {
      this.forget('device revoked by an administrator');
      this.lastError = { key: 'sync.error.deviceRevoked', message: failure.message };
      this.deps.onStatus(this.status());
      return;
    }
    if (failure.code === 'SESSION_EXPIRED' && this.credentials()) {
      this.expire(failure.message);
      return;
    }
    if (failure.code === 'AUTH_FAILED' && this.credentials()) {
      // The server no longer knows this device (database replaced, signed out elsewhere).
      this.forget('the server no longer accepts this device');
      this.lastError = { key: 'sync.error.authFailed', message: failure.message };
      this.deps.onStatus(this.status());
      return;
    }
    this.lastError = { key: key ?? (failure.code === 'NETWORK' ? 'sync.error.offline' : connectionErrorKey(failure.code)), message: failure.message };
    this.failures++;
    if (FINAL.has(failure.code) || this.stopped) {
      this.retryAt = null;
      this.setState('offline');
      return;
    }
    // Exponential backoff with full jitter: many clients coming back at once spread out.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(this.failures - 1, 16));
    const delay = Math.round(BACKOFF_MIN_MS / 2 + this.random() * (ceiling - BACKOFF_MIN_MS / 2));
    this.retryAt = this.now() + delay;
    this.setState('offline');
    this.schedule(delay);
  }

  // --- the three steps ----------------------------------------------------------------------

  private async firstSync(conn: SyncConnection): Promise<void> {
    let progress = this.snapshotProgress();
    const sqlite = this.deps.sqlite;
    const limit = this.deps.snapshotPage ?? SNAPSHOT_PAGE;
    // The next page is asked for before this one is applied, so the server reads and encodes it
    // (and the network carries it) while the replica writes this one. Its failure is seen when it
    // is awaited, after this page is stored; a request never awaited (this page failed) is ignored.
    const ask = (i: number, after: string) => {
      const page = conn.snapshot(entityNames[i] as EntityName, after, limit);
      page.catch(() => undefined);
      return { i, after, page };
    };
    const start = progress ? entityNames.indexOf(progress.entity) : 0;
    let request = start < entityNames.length ? ask(start, progress?.after ?? '') : null;
    // The tables' secondary indexes are built once after the last page instead of being kept up
    // to date row by row (300,000 records: most of the insert time). An ended process leaves them
    // owed, and the next open of the replica builds them.
    if (request) deferIndexes(sqlite, entityNames.map((e) => entities[e].table));
    try {
      while (request) {
        const { i, after } = request;
        const entity = entityNames[i] as EntityName;
        const started = this.now();
        const before = conn.bytes.received;
        const page = await request.page;
        request = page.next !== null ? ask(i, page.next) : i + 1 < entityNames.length ? ask(i + 1, '') : null;
        const asOf = progress?.asOf ?? page.asOf;
        const received = (progress?.received ?? 0) + page.rows.length;
        const total = after === '' && page.total !== null ? (progress?.total ?? 0) + page.total : (progress?.total ?? null);
        const next: SnapshotProgress = { asOf, entity, after: page.next ?? '', received, total };
        const last = page.next === null && i === entityNames.length - 1;
        this.apply.applySnapshotPage(entity, page, () => {
          if (page.next === null) {
            const following = entityNames[i + 1];
            next.entity = following ?? entity;
            next.after = '';
          }
          writeMeta(sqlite, 'sync.snapshot', JSON.stringify(next));
          // The page's records have no search entries yet: owed until buildSearch has made them.
          writeMeta(sqlite, 'sync.searchPending', '1');
          if (last) {
            writeMeta(sqlite, 'sync.cursor', String(asOf));
            writeMeta(sqlite, 'sync.snapshotDone', '1');
          }
        });
        progress = next;
        this.initial = { received, total };
        this.logEntry('snapshot', true, `${entity}: ${page.rows.length} records`, this.now() - started, conn.bytes.received - before);
        this.deps.onStatus(this.status());
      }
    } catch (error) {
      // A first sync cut short (network, server): the replica keeps working offline with what it
      // has, so its indexes come back now; the next attempt defers them again.
      if (sqlite.open) restoreDeferredIndexes(sqlite);
      throw error;
    }
    if (!this.snapshotDone()) {
      // Nothing to fetch at all (no entity pages): start from the server's head.
      writeMeta(sqlite, 'sync.cursor', String(progress?.asOf ?? 0));
      writeMeta(sqlite, 'sync.snapshotDone', '1');
    }
    const indexStarted = this.now();
    const rebuilt = restoreDeferredIndexes(sqlite);
    if (rebuilt > 0) {
      // Fresh statistics for the planner after a bulk load (sampled: a few ms).
      this.deps.records.analyze();
      this.logEntry('snapshot', true, `${rebuilt} table indexes built`, this.now() - indexStarted);
    }
    this.initial = null;
    this.deps.onReset();
    // Without `live` the entries are made before the cycle goes on; the app's engine starts on
    // them when the cycle is over (its push and pull would otherwise wait between chunks).
    if (!this.deps.live) await this.buildSearch();
  }

  /**
   * Builds the search entries a first sync left out. Search is most of what a first sync costs
   * (300,000 records: 41 s with the entries made page by page, 12 s without; FTS5 mostly), and
   * the records can be listed, filtered, opened and edited without it, so the first sync ends when
   * they are stored and the entries follow: the status says how far (`searchIndex`), and search
   * finds the records indexed so far.
   * The app's live engine builds between other work, 1,000 records per transaction, so requests
   * wait at most one chunk; without `live` (the CLI, tests) the cycle waits for all of it. Owed
   * builds survive restarts (`sync.searchPending`) and resume at the next cycle.
   */
  private buildSearch(): Promise<void> {
    const live = this.deps.live === true;
    if (this.indexRun) return live ? Promise.resolve() : this.indexRun;
    const sqlite = this.deps.sqlite;
    if (readMeta(sqlite, 'sync.searchPending') !== '1') return Promise.resolve();
    const run = async () => {
      const started = this.now();
      const search = this.deps.records.search;
      let from = new Map<EntityName, number>();
      let built = 0;
      let pass = 0;
      const coverage = this.apply.searchCoverage();
      const progress = { indexed: coverage.indexed, total: coverage.live };
      this.indexing = { ...progress };
      search.bulkBuild(true);
      this.deps.onStatus(this.status());
      for (;;) {
        const { indexed, scanned } = this.apply.indexMissing(from, live ? 1000 : 20_000);
        built += indexed;
        pass += indexed;
        if (scanned) {
          // Done when every live record has its entry. Records stored behind the walk (a sign-in
          // again while it ran) are found by another pass; a pass finding nothing ends it anyway.
          const now = this.apply.searchCoverage();
          if (now.indexed >= now.live || pass === 0) {
            sqlite.transaction(() => {
              search.bulkBuild(false);
              sqlite.prepare("DELETE FROM replica_meta WHERE key = 'sync.searchPending'").run();
            })();
            break;
          }
          from = new Map();
          pass = 0;
        }
        progress.indexed = Math.min(progress.indexed + indexed, progress.total);
        search.bulkProgress(progress.indexed);
        this.indexing = { ...progress };
        this.deps.onStatus(this.status());
        if (live) {
          await new Promise((resolve) => setImmediate(resolve));
          // The core was closed meanwhile: the build stays owed and goes on after the next start.
          if (!sqlite.open) return;
        }
      }
      this.logEntry('search', true, `search index: ${built} records`, this.now() - started);
    };
    this.indexRun = run()
      .catch((error: unknown) => {
        // Still owed: the next cycle tries again.
        if (!sqlite.open) return;
        this.logEntry('search', false, `search index: ${String((error as Error)?.message ?? error)}`);
        if (!live) throw error;
      })
      .finally(() => {
        this.indexRun = null;
        this.indexing = null;
        if (sqlite.open) this.deps.onStatus(this.status());
      });
    return live ? Promise.resolve() : this.indexRun;
  }

  private toMutation(e: OutboxEntry): Mutation {
    return {
      seq: e.seq,
      entity: e.entity,
      recordId: e.recordId,
      op: e.op,
      changes: e.changes as Mutation['changes'],
      base: e.base as Mutation['base'],
      ...(e.baseVersion !== null ? { baseVersion: e.baseVersion } : {}),
    };
  }

  private async pushAll(conn: SyncConnection): Promise<void> {
    for (;;) {
      const entries = this.deps.records.outbox.peek(MAX_PUSH_MUTATIONS);
      if (entries.length === 0) return;
      const started = this.now();
      const sentBefore = conn.bytes.sent + conn.bytes.received;
      const results = await conn.push(entries.map((e) => this.toMutation(e)));
      const { touched, inbox } = this.apply.applyPushResults(entries, results);
      const counts = { applied: 0, conflict: 0, rejected: 0 };
      for (const r of results) counts[r.status]++;
      this.logEntry('push', true, `${entries.length} changes: ${counts.applied} applied, ${counts.conflict} conflicts, ${counts.rejected} rejected`, this.now() - started, conn.bytes.sent + conn.bytes.received - sentBefore);
      if (touched.size > 0) this.deps.onTouched(touched);
      if (inbox > 0) this.deps.onConflicts(this.deps.conflicts.openCount());
      this.deps.onStatus(this.status());
    }
  }

  private async pullAll(conn: SyncConnection): Promise<void> {
    const sqlite = this.deps.sqlite;
    for (;;) {
      const started = this.now();
      const before = conn.bytes.received;
      const page = await conn.pull(this.cursor(), PULL_LIMIT);
      // A rescope's access is applied in the page's transaction, before its changes.
      const access = this.newAccess(page.access);
      const touched = this.apply.applyChanges(
        page.changes,
        () => {
          if (access) writeMeta(sqlite, 'sync.access', access.text);
          writeMeta(sqlite, 'sync.cursor', String(page.cursor));
        },
        access ? access.access : undefined,
      );
      if (access) this.accessChanged(access.access);
      if (page.changes.length > 0 || access) {
        this.logEntry('pull', true, `${page.changes.length} changes up to ${page.cursor}`, this.now() - started, conn.bytes.received - before);
        this.deps.onTouched(touched);
      }
      if (!page.hasMore) return;
    }
  }
}

/** A sync failure as the client API reports it. */
export function toCrmError(failure: SyncFailure): CrmError {
  switch (failure.code) {
    case 'NETWORK':
      return new CrmError('SERVER_UNREACHABLE', failure.message);
    case 'AUTH_FAILED':
      return new CrmError('AUTH_FAILED', failure.message);
    case 'SESSION_EXPIRED':
      return new CrmError('AUTH_FAILED', `${failure.code}: ${failure.message}`);
    case 'FORBIDDEN':
      return new CrmError('FORBIDDEN', failure.message);
    case 'BAD_REQUEST':
    case 'PAYLOAD_TOO_LARGE':
    case 'RATE_LIMITED':
    case 'INTERNAL':
    case 'DEVICE_REVOKED':
    case 'USER_DISABLED':
    case 'ACCOUNT_LOCKED':
    case 'PROTOCOL_TOO_OLD':
    case 'PROTOCOL_TOO_NEW':
    case 'SCHEMA_TOO_OLD':
    case 'SCHEMA_TOO_NEW':
      return new CrmError('SYNC_REFUSED', `${failure.code}: ${failure.message}`);
    default: {
      const exhaustive: never = failure.code;
      return exhaustive;
    }
  }
}

export { CLIENT_SCHEMA_VERSION };
