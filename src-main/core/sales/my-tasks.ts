import type Database from 'better-sqlite3';
import type { MethodOutput, MethodParsedInput, MyTask, TaskRelated } from '../../../src-shared/api/client-api.contract';
import { entities, type EntityName } from '../../../src-shared/entities/index';
import { DAY_MS, localDayStart } from '../../../src-shared/tasks/local-day';
import { tableColumns } from '../db/schema';

/**
 * 我的任务 and reminders: the current user's open tasks, read straight from the replica (offline
 * too). Every query names owner_id, status = 'open' and deleted_at IS NULL so that it walks the
 * partial indexes tasks(owner_id, status, due_at) and tasks(owner_id, status, remind_at) in order:
 * a page of rows and a section's count are each one range of index entries, which keeps the view
 * at a few milliseconds with 100,000 tasks on the device.
 */

interface TaskRow {
  id: string;
  title: string | null;
  status: string;
  source: string | null;
  dueAt: number | null;
  remindAt: number | null;
  accountId: string | null;
  contactId: string | null;
  leadId: string | null;
  opportunityId: string | null;
  contractId: string | null;
}

/** The record a task is shown with: the most specific one it names (a deal says more than its account). */
const relatedOrder: readonly { field: keyof TaskRow; entity: EntityName }[] = [
  { field: 'opportunityId', entity: 'opportunity' },
  { field: 'contractId', entity: 'contract' },
  { field: 'contactId', entity: 'contact' },
  { field: 'leadId', entity: 'lead' },
  { field: 'accountId', entity: 'account' },
];

const COLUMNS = `id, title, status, source, due_at AS dueAt, remind_at AS remindAt, account_id AS accountId, contact_id AS contactId,
  lead_id AS leadId, opportunity_id AS opportunityId, contract_id AS contractId`;
const MINE = `owner_id = @owner AND status = 'open' AND deleted_at IS NULL`;

type Statement<P, R> = Database.Statement<[P], R>;

/** Prepared once per database: the view refreshes on every task change. */
export class TaskQueries {
  readonly counts: Record<'overdue' | 'today' | 'upcoming' | 'undated', Database.Statement<[Record<string, string | number>], { n: number }>>;
  readonly overdue: Statement<{ owner: string; now: number; limit: number }, TaskRow>;
  readonly today: Statement<{ owner: string; now: number; todayEnd: number; limit: number }, TaskRow>;
  readonly upcoming: Statement<{ owner: string; todayEnd: number; limit: number }, TaskRow>;
  readonly undated: Statement<{ owner: string; limit: number }, TaskRow>;
  readonly reminders: Statement<{ owner: string; from: number; to: number; limit: number }, TaskRow>;

  private readonly titleLookups = new Map<EntityName, Database.Statement<[string], { id: string; title: string | null }>>();

  constructor(private readonly sqlite: Database.Database) {
    // count(*) over a range of index entries reads no table rows; a single sum(CASE …) over all my
    // tasks would read each row for its due_at (the partial index does not count as covering).
    const count = (range: string) =>
      sqlite.prepare<[Record<string, string | number>], { n: number }>(`SELECT count(*) AS n FROM tasks INDEXED BY tasks_owner_id_status_due_at_idx WHERE ${MINE} AND ${range}`);
    this.counts = {
      overdue: count('due_at < @now'),
      today: count('due_at >= @now AND due_at < @todayEnd'),
      upcoming: count('due_at >= @todayEnd'),
      undated: count('due_at IS NULL'),
    };
    this.overdue = sqlite.prepare(`SELECT ${COLUMNS} FROM tasks WHERE ${MINE} AND due_at < @now ORDER BY due_at, rowid LIMIT @limit`);
    this.today = sqlite.prepare(`SELECT ${COLUMNS} FROM tasks WHERE ${MINE} AND due_at >= @now AND due_at < @todayEnd ORDER BY due_at, rowid LIMIT @limit`);
    this.upcoming = sqlite.prepare(`SELECT ${COLUMNS} FROM tasks WHERE ${MINE} AND due_at >= @todayEnd ORDER BY due_at, rowid LIMIT @limit`);
    // Newest first: rowid follows the order tasks reached this replica, and walks the same index backwards.
    this.undated = sqlite.prepare(`SELECT ${COLUMNS} FROM tasks WHERE ${MINE} AND due_at IS NULL ORDER BY due_at DESC, rowid DESC LIMIT @limit`);
    this.reminders = sqlite.prepare(`SELECT ${COLUMNS} FROM tasks WHERE ${MINE} AND remind_at > @from AND remind_at <= @to ORDER BY remind_at, rowid LIMIT @limit`);
  }

  /** Live records' titles by id; the ids come as one JSON array, so one statement serves any number. */
  titles(entity: EntityName): Database.Statement<[string], { id: string; title: string | null }> {
    let stmt = this.titleLookups.get(entity);
    if (!stmt) {
      const def = entities[entity];
      const col = tableColumns(entity)[def.titleField]?.name ?? 'id';
      stmt = this.sqlite.prepare(`SELECT id, "${col}" AS title FROM ${def.table} WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL`);
      this.titleLookups.set(entity, stmt);
    }
    return stmt;
  }
}

const queriesByDb = new WeakMap<Database.Database, TaskQueries>();

/** The prepared statements, also for tests that check their query plans. */
export function taskQueriesFor(sqlite: Database.Database): TaskQueries {
  let q = queriesByDb.get(sqlite);
  if (!q) {
    q = new TaskQueries(sqlite);
    queriesByDb.set(sqlite, q);
  }
  return q;
}

/** Titles of the records the rows name, one lookup per entity; deleted or absent records are left out. */
function withRelated(q: TaskQueries, rows: TaskRow[]): MyTask[] {
  const wanted = new Map<EntityName, Set<string>>();
  for (const row of rows) {
    for (const { field, entity } of relatedOrder) {
      const id = row[field];
      if (typeof id === 'string' && id !== '') wanted.set(entity, (wanted.get(entity) ?? new Set()).add(id));
    }
  }
  const titles = new Map<string, string>();
  for (const [entity, ids] of wanted) {
    for (const { id, title } of q.titles(entity).all(JSON.stringify([...ids]))) titles.set(`${entity}:${id}`, title ?? '');
  }
  return rows.map((row) => {
    let related: TaskRelated | null = null;
    for (const { field, entity } of relatedOrder) {
      const id = row[field];
      const title = typeof id === 'string' ? titles.get(`${entity}:${id}`) : undefined;
      if (typeof id === 'string' && title !== undefined) {
        related = { entity, id, title };
        break;
      }
    }
    return { id: row.id, title: row.title ?? '', status: row.status, source: row.source ?? 'manual', dueAt: row.dueAt, remindAt: row.remindAt, related };
  });
}

export function myTasks(sqlite: Database.Database, owner: string, input: MethodParsedInput<'task.mine'>): MethodOutput<'task.mine'> {
  const now = input.now ?? Date.now();
  const todayEnd = localDayStart(now, input.tzOffsetMinutes) + DAY_MS;
  const q = taskQueriesFor(sqlite);
  const limit = input.limit;
  const count = (section: keyof TaskQueries['counts'], params: Record<string, string | number>) => q.counts[section].get(params)?.n ?? 0;
  const overdue = q.overdue.all({ owner, now, limit });
  const today = q.today.all({ owner, now, todayEnd, limit });
  const upcoming = q.upcoming.all({ owner, todayEnd, limit });
  const undated = q.undated.all({ owner, limit });
  // One title lookup for all four sections.
  const all = withRelated(q, [...overdue, ...today, ...upcoming, ...undated]);
  let at = 0;
  const take = (n: number) => all.slice(at, (at += n));
  return {
    now,
    todayEnd,
    overdue: { count: count('overdue', { owner, now }), rows: take(overdue.length) },
    today: { count: count('today', { owner, now, todayEnd }), rows: take(today.length) },
    upcoming: { count: count('upcoming', { owner, todayEnd }), rows: take(upcoming.length) },
    undated: { count: count('undated', { owner }), rows: take(undated.length) },
  };
}

export function myReminders(sqlite: Database.Database, owner: string, input: MethodParsedInput<'task.reminders'>): MethodOutput<'task.reminders'> {
  const q = taskQueriesFor(sqlite);
  const rows = q.reminders.all({ owner, from: input.from, to: input.to, limit: input.limit });
  return {
    reminders: withRelated(q, rows).flatMap((task) => (task.remindAt === null ? [] : [{ ...task, remindAt: task.remindAt }])),
  };
}
