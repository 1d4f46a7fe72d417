import type Database from 'better-sqlite3';
import type { MethodOutput, MethodParsedInput, MoneyTotal, PipelineCard, StalledDeal } from '../../../src-shared/api/client-api.contract';
import { currencies, stageKinds } from '../../../src-shared/entities/index';
import { STALLED_LISTED, closeMonthDays, stageAge, stalledCutoff } from '../../../src-shared/sales/pipeline.util';

/**
 * 销售看板 and 销售漏斗 over the replica: aggregates are one GROUP BY in SQLite and cards are a LIMIT
 * per stage, so the cost follows the stages and the cards shown, not the deals stored (a manager's
 * replica holds the whole team's pipeline). Statements are prepared once per filter shape.
 */

type Board = MethodOutput<'pipeline.board'>;
type Funnel = MethodOutput<'pipeline.funnel'>;
type StageKind = (typeof stageKinds)[number];

/** A deal's currency when the row has none (the field's default). */
const DEFAULT_CURRENCY = 'CNY';

interface StageRow {
  id: string;
  name: string | null;
  code: string | null;
  kind: string | null;
  position: number | null;
  probability: number | null;
  limitDays: number | null;
  active: number;
}

interface SumRow {
  stageId: string | null;
  currency: string;
  n: number;
  amount: number;
  /** Σ amount × probability over deals with a probability of their own. */
  weighted100: number;
  /** Σ amount over deals without one: they count at their stage's probability. */
  unweighted: number;
}

type CardRow = Omit<PipelineCard, 'name'> & { name: string | null };
type DealRow = Omit<StalledDeal, 'name' | 'daysInStage' | 'daysOver'> & { name: string | null };

/** Who and when: the filters both views share, as SQL over `opportunities o`. */
interface Filters {
  ownerIds: readonly string[];
  /** Inclusive 'YYYY-MM-DD' bounds on the expected close date; a deal without one is left out when either is set. */
  closeFrom: string | null;
  closeTo: string | null;
}

function filterSql(f: Filters): { sql: string; params: unknown[] } {
  let sql = 'o.deleted_at IS NULL';
  const params: unknown[] = [];
  if (f.ownerIds.length > 0) {
    // One bound JSON array instead of a placeholder per id: a single statement serves any number of owners.
    sql += ' AND o.owner_id IN (SELECT value FROM json_each(?))';
    params.push(JSON.stringify(f.ownerIds));
  }
  if (f.closeFrom !== null) {
    sql += ' AND o.expected_close_date >= ?';
    params.push(f.closeFrom);
  }
  if (f.closeTo !== null) {
    sql += ' AND o.expected_close_date <= ?';
    params.push(f.closeTo);
  }
  return { sql, params };
}

const kindOf = (kind: string | null): StageKind => (stageKinds as readonly string[]).includes(kind ?? '') ? (kind as StageKind) : 'open';

/** Currencies in the order of the enum (CNY first), any other code after them alphabetically. */
function currencyRank(code: string): number {
  const at = (currencies as readonly string[]).indexOf(code);
  return at === -1 ? currencies.length : at;
}

/** Totals of one stage (or outcome) from its GROUP BY rows; probability fills in for deals without their own. */
function totalsOf(rows: readonly SumRow[], stageProbability: (stageId: string | null) => number): { count: number; totals: MoneyTotal[] } {
  const byCurrency = new Map<string, { amount: number; weighted100: number }>();
  let count = 0;
  for (const r of rows) {
    count += r.n;
    const sum = byCurrency.get(r.currency) ?? { amount: 0, weighted100: 0 };
    sum.amount += r.amount;
    sum.weighted100 += r.weighted100 + r.unweighted * stageProbability(r.stageId);
    byCurrency.set(r.currency, sum);
  }
  const totals = [...byCurrency].map(([currency, s]) => ({ currency, amount: s.amount, weighted: Math.round(s.weighted100 / 100) }));
  totals.sort((a, b) => currencyRank(a.currency) - currencyRank(b.currency) || a.currency.localeCompare(b.currency));
  return { count, totals };
}

const DEAL_COLUMNS = `o.id, o.name, o.account_id AS accountId, a.name AS accountName, o.amount,
  COALESCE(o.currency, '${DEFAULT_CURRENCY}') AS currency, o.owner_id AS ownerId, o.stage_changed_at AS stageChangedAt`;
const ACCOUNT_JOIN = 'LEFT JOIN accounts a ON a.id = o.account_id AND a.deleted_at IS NULL';

export class PipelineQueries {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private stages(): StageRow[] {
    return this.prepare(
      `SELECT id, name, code, kind, position, probability, limit_days AS limitDays, active
       FROM stages WHERE deleted_at IS NULL ORDER BY position, name, id`,
    ).all() as StageRow[];
  }

  /**
   * Count and money per (stage, currency): the one pass over the deals that match. Grouped on the
   * bare columns so an index on (stage_id, currency, …) serves it in order without a sort; a
   * missing currency is merged into the default one afterwards.
   */
  private sums(f: Filters): SumRow[] {
    const where = filterSql(f);
    const rows = this.prepare(
      `SELECT o.stage_id AS stageId, o.currency AS currency, count(*) AS n,
         COALESCE(SUM(o.amount), 0) AS amount,
         COALESCE(SUM(o.amount * o.probability), 0) AS weighted100,
         COALESCE(SUM(CASE WHEN o.probability IS NULL THEN o.amount END), 0) AS unweighted
       FROM opportunities o WHERE ${where.sql}
       GROUP BY o.stage_id, o.currency`,
    ).all(...where.params) as (Omit<SumRow, 'currency'> & { currency: string | null })[];
    return rows.map((r) => ({ ...r, currency: r.currency ?? DEFAULT_CURRENCY }));
  }

  /**
   * The first `limit` cards of a stage: deals with a close date in date order, then those without.
   * Two queries rather than one ORDER BY "date IS NULL": each walks the (stage_id,
   * expected_close_date) index in order and stops at the limit instead of sorting the whole stage.
   */
  private cards(stageId: string, f: Filters, limit: number): CardRow[] {
    const where = filterSql(f);
    const columns = `${DEAL_COLUMNS}, o.probability, o.expected_close_date AS expectedCloseDate, o.lost_reason AS lostReason`;
    const dated = this.prepare(
      `SELECT ${columns} FROM opportunities o ${ACCOUNT_JOIN}
       WHERE o.stage_id = ? AND o.expected_close_date IS NOT NULL AND ${where.sql}
       ORDER BY o.expected_close_date, o.amount DESC, o.id LIMIT ?`,
    ).all(stageId, ...where.params, limit) as CardRow[];
    // A close-date filter already left the undated deals out.
    if (dated.length >= limit || f.closeFrom !== null || f.closeTo !== null) return dated;
    const undated = this.prepare(
      `SELECT ${columns} FROM opportunities o ${ACCOUNT_JOIN}
       WHERE o.stage_id = ? AND o.expected_close_date IS NULL AND ${where.sql}
       ORDER BY o.amount DESC, o.id LIMIT ?`,
    ).all(stageId, ...where.params, limit - dated.length) as CardRow[];
    return [...dated, ...undated];
  }

  board(input: MethodParsedInput<'pipeline.board'>, now: number): Board {
    const month = input.closeMonth ? closeMonthDays(input.closeMonth) : null;
    const filters: Filters = { ownerIds: input.ownerIds ?? [], closeFrom: month?.from ?? null, closeTo: month?.to ?? null };
    const stages = this.stages().filter((s) => s.active === 1);
    const sums = groupByStage(this.sums(filters));
    return {
      asOf: now,
      stages: stages.map((s) => {
        const { count, totals } = totalsOf(sums.get(s.id) ?? [], () => s.probability ?? 0);
        const rows = count === 0 ? [] : this.cards(s.id, filters, input.perStage);
        return { ...stageInfo(s), count, totals, cards: rows.map((r) => ({ ...r, name: r.name ?? '' })), more: count > rows.length };
      }),
    };
  }

  funnel(input: MethodParsedInput<'pipeline.funnel'>, now: number): Funnel {
    const filters: Filters = { ownerIds: input.ownerIds ?? [], closeFrom: input.closeFrom ?? null, closeTo: input.closeTo ?? null };
    const all = this.stages();
    const probabilityOf = new Map(all.map((s) => [s.id, s.probability ?? 0]));
    const stageProbability = (id: string | null) => (id === null ? 0 : (probabilityOf.get(id) ?? 0));
    const sums = groupByStage(this.sums(filters));
    const where = filterSql(filters);
    const stalledCount = this.prepare(`SELECT count(*) AS n FROM opportunities o WHERE o.stage_id = ? AND o.stage_changed_at < ? AND ${where.sql}`);
    const stalledList = this.prepare(
      `SELECT ${DEAL_COLUMNS} FROM opportunities o ${ACCOUNT_JOIN}
       WHERE o.stage_id = ? AND o.stage_changed_at < ? AND ${where.sql}
       ORDER BY o.stage_changed_at, o.id LIMIT ${STALLED_LISTED}`,
    );

    const stages = all
      .filter((s) => s.active === 1 && kindOf(s.kind) === 'open')
      .map((s) => {
        const { count, totals } = totalsOf(sums.get(s.id) ?? [], stageProbability);
        let stalled: { count: number; deals: StalledDeal[] } = { count: 0, deals: [] };
        if (count > 0 && s.limitDays !== null) {
          const cutoff = stalledCutoff(now, s.limitDays);
          const n = (stalledCount.get(s.id, cutoff, ...where.params) as { n: number }).n;
          const rows = n === 0 ? [] : (stalledList.all(s.id, cutoff, ...where.params) as DealRow[]);
          const deals = rows.map((r) => {
            const age = stageAge(r.stageChangedAt, now, s.limitDays);
            return { ...r, name: r.name ?? '', daysInStage: age?.days ?? 0, daysOver: age?.daysOver ?? 0 };
          });
          stalled = { count: n, deals };
        }
        return { ...stageInfo(s), count, totals, stalled };
      });

    // Won and lost: every stage of that kind, inactive ones too (a retired 输单 stage still holds lost deals).
    const outcome = (kind: StageKind) => totalsOf(all.filter((s) => kindOf(s.kind) === kind).flatMap((s) => sums.get(s.id) ?? []), stageProbability);
    return { asOf: now, stages, won: outcome('won'), lost: outcome('lost') };
  }
}

function groupByStage(rows: readonly SumRow[]): Map<string | null, SumRow[]> {
  const out = new Map<string | null, SumRow[]>();
  for (const r of rows) out.set(r.stageId, [...(out.get(r.stageId) ?? []), r]);
  return out;
}

function stageInfo(s: StageRow) {
  return { id: s.id, name: s.name ?? '', code: s.code, kind: kindOf(s.kind), position: s.position ?? 0, probability: s.probability, limitDays: s.limitDays };
}

const perReplica = new WeakMap<Database.Database, PipelineQueries>();

/** The queries of one replica handle, prepared on first use and kept with the handle. */
export function pipelineQueries(sqlite: Database.Database): PipelineQueries {
  let queries = perReplica.get(sqlite);
  if (!queries) {
    queries = new PipelineQueries(sqlite);
    perReplica.set(sqlite, queries);
  }
  return queries;
}
