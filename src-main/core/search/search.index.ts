import type Database from 'better-sqlite3';
import { entities, type EntityName, type FieldDef } from '../../../src-shared/entities/index';
import { buildMatchQuery, buildSearchText } from '../../../src-shared/search/tokenize.util';

/**
 * The FTS5 index over searchable fields (those marked `search: true`). Maintained by the record
 * repository inside the same transaction as the row, so search never shows a record that is not
 * there or misses one that is.
 */
/**
 * Bump when the tokenisation or the choice of searchable fields changes: replicas indexed by an
 * older build are then re-indexed on open, as are rows that predate the index (migrations).
 */
export const SEARCH_INDEX_VERSION = 2;

/**
 * Each entity's documents get their own range of FTS rowids, so "matches of this entity" is a rowid
 * range FTS5 answers from its index instead of a join through every match (a contact's text carries
 * its company's name, so a city name matches three times as many contacts as accounts).
 * Slots are permanent: a new entity takes a new number.
 */
const SEARCH_SLOTS = {
  account: 1,
  contact: 2,
  stage: 3,
  product: 4,
  competitor: 5,
  lead: 6,
  opportunity: 7,
  activity: 8,
  task: 9,
  quote: 10,
  order: 11,
  contract: 12,
  payment_plan: 13,
  payment: 14,
  pool_rule: 15,
} as const satisfies Record<EntityName, number>;
const SLOT_SIZE = 2 ** 40;
/** Retired FTS rows deleted together (see SearchIndex.retire). */
const DEAD_BATCH = 500;
/**
 * The tables the index lives in: FTS5's own (search_fts_config hardly changes) and search_doc.
 * Their planner statistics are taken again as a bulk build grows them (see SearchIndex.analyze).
 */
const SEARCH_TABLES = ['search_doc', 'search_fts_data', 'search_fts_idx', 'search_fts_docsize'] as const;
/** How much a bulk build grows the index before its planner statistics are taken again. */
const STATS_GROWTH = 10;

export function docRange(entity: EntityName): { lo: number; hi: number } {
  const lo = SEARCH_SLOTS[entity] * SLOT_SIZE;
  return { lo, hi: lo + SLOT_SIZE - 1 };
}

/**
 * A 53-bit hash of an entry's text (two 32-bit FNV-1a style lanes with different multipliers), to
 * tell whether a record's searchable text changed. Not for security; a collision would keep a
 * stale entry for one record until its text changes again, at odds of about 1 in 2^53 per write.
 */
export function textHash(title: string, body: string): number {
  let a = 0x811c9dc5;
  let b = 0x9e3779b1;
  const mix = (code: number) => {
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  };
  for (let i = 0; i < title.length; i++) mix(title.charCodeAt(i));
  mix(0xffff);
  for (let i = 0; i < body.length; i++) mix(body.charCodeAt(i));
  return (b >>> 11) * 2 ** 32 + (a >>> 0);
}

export class SearchIndex {
  private readonly nextDoc = new Map<EntityName, number>();
  private readonly findDoc: Database.Statement<[string, string], { doc_id: number; text_hash: number | null }>;
  private readonly insertDoc: Database.Statement<[number, string, string, number]>;
  private readonly deleteDoc: Database.Statement<[number]>;
  private readonly insertFts: Database.Statement<[number, string, string]>;
  private readonly insertDead: Database.Statement<[number]>;
  private readonly countDead: Database.Statement;
  /** Retired entries waiting for the next purge (read from the table on first use). */
  private dead: number | null = null;
  /** Entries when a bulk build last took the planner's statistics (see bulkProgress). */
  private statsAt = 0;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly refTitle: (entity: string, id: string) => string | null = () => null,
  ) {
    this.findDoc = sqlite.prepare('SELECT doc_id, text_hash FROM search_doc WHERE entity = ? AND record_id = ?');
    this.insertDoc = sqlite.prepare('INSERT INTO search_doc (doc_id, entity, record_id, text_hash) VALUES (?, ?, ?, ?)');
    this.deleteDoc = sqlite.prepare('DELETE FROM search_doc WHERE doc_id = ?');
    this.insertFts = sqlite.prepare('INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)');
    this.insertDead = sqlite.prepare('INSERT OR IGNORE INTO search_dead (doc_id) VALUES (?)');
    this.countDead = sqlite.prepare('SELECT count(*) AS n FROM search_dead');
  }

  /**
   * Title and body text for a record, from its searchable fields. A searchable ref contributes the
   * referenced record's title, looked up through `refTitle`.
   */
  static documentFor(
    entity: EntityName,
    record: Record<string, unknown>,
    refTitle: (entity: string, id: string) => string | null = () => null,
  ): { title: string; body: string } {
    const def = entities[entity];
    const title = buildSearchText([String(record[def.titleField] ?? '')]);
    const values: string[] = [];
    for (const [name, field] of Object.entries(def.fields as Record<string, FieldDef>)) {
      if (!field.search || name === def.titleField) continue;
      const value = record[name];
      if (field.kind === 'ref') {
        if (typeof value === 'string') values.push(refTitle(field.entity, value) ?? '');
        continue;
      }
      if (Array.isArray(value)) values.push(...value.map(String));
      else if (typeof value === 'string') values.push(value);
    }
    return { title, body: buildSearchText(values) };
  }

  /** Replaces the record's entry. Call inside the writer's transaction. */
  put(entity: EntityName, record: Record<string, unknown> & { id: string }): void {
    const { title, body } = SearchIndex.documentFor(entity, record, this.refTitle);
    const hash = textHash(title, body);
    const doc = this.findDoc.get(entity, record.id);
    // The same text as the entry holds: nothing to replace (see search_doc.text_hash).
    if (doc && doc.text_hash === hash) return;
    if (doc) this.retire(doc.doc_id);
    this.insert(entity, record.id, title, body, hash);
  }

  /** Adds an entry for a record known not to be indexed yet (bulk loads). */
  putNew(entity: EntityName, record: Record<string, unknown> & { id: string }): void {
    const { title, body } = SearchIndex.documentFor(entity, record, this.refTitle);
    this.insert(entity, record.id, title, body, textHash(title, body));
  }

  private insert(entity: EntityName, recordId: string, title: string, body: string, hash: number): void {
    const docId = this.allocateDoc(entity);
    this.insertDoc.run(docId, entity, recordId, hash);
    this.insertFts.run(docId, title, body);
  }

  /**
   * FTS5 merges its segments as it writes (automerge 4, its default), which for a bulk build of
   * many small transactions rewrites the same entries again and again: building 300,000 entries
   * in transactions of 1,000 took 32 s with it and 16 s without, with the same search times after
   * (FTS5's crisis merge still bounds the segments). Off for a bulk build, on again when it ends;
   * the setting is stored in the index, so a build cut short leaves it off until it is finished.
   */
  bulkBuild(on: boolean): void {
    this.sqlite.exec(`INSERT INTO search_fts(search_fts, rank) VALUES('automerge', ${on ? 0 : 4})`);
    this.statsAt = 0;
    // The index is at its full size: statistics for what it holds now (see analyze).
    if (!on) this.analyze();
  }

  /**
   * Between the chunks of a bulk build, with the entries made so far: takes the planner's
   * statistics again whenever the index has grown STATS_GROWTH-fold since they were last taken
   * (after the first chunk, then at 10x, 100x...), so they never describe a far smaller index.
   */
  bulkProgress(entries: number): void {
    if (entries <= 0 || entries < this.statsAt * STATS_GROWTH) return;
    this.analyze();
    this.statsAt = entries;
  }

  /**
   * Sampled statistics of the search tables for the query planner. FTS5 deletes a merged segment
   * with "DELETE FROM search_fts_data WHERE id>=? AND id<=?", and the planner turns that into a
   * scan of the whole table when its statistics say it holds a handful of rows, as they do when
   * taken before the index was built (PRAGMA optimize on a new replica, the ANALYZE after a first
   * sync's records): after a first sync of 300,000 records every 16th indexed edit (FTS5's merge
   * of the 16 one-edit segments) scanned the 78 MB table 16 times, ~600 ms, which made one-field
   * edits cost 25-75 ms on average until the app was restarted (PRAGMA optimize at open). Taken on
   * the built index, the statistics keep that delete a rowid range.
   */
  analyze(): void {
    this.sqlite.pragma('analysis_limit = 1000');
    for (const table of SEARCH_TABLES) this.sqlite.exec(`ANALYZE ${table}`);
  }

  private allocateDoc(entity: EntityName): number {
    let next = this.nextDoc.get(entity);
    if (next === undefined) {
      const { lo, hi } = docRange(entity);
      // Retired ids still have FTS rows until purged: never hand one out again.
      const row = this.sqlite
        .prepare('SELECT max(top) AS top FROM (SELECT max(doc_id) AS top FROM search_doc WHERE doc_id BETWEEN ? AND ? UNION ALL SELECT max(doc_id) FROM search_dead WHERE doc_id BETWEEN ? AND ?)')
        .get(lo, hi, lo, hi) as { top: number | null };
      next = (row.top ?? lo) + 1;
    }
    this.nextDoc.set(entity, next + 1);
    return next;
  }

  /** Drops the whole index; the caller re-puts every live record in the same transaction. */
  clear(): void {
    this.sqlite.exec('DELETE FROM search_fts; DELETE FROM search_doc; DELETE FROM search_dead;');
    this.nextDoc.clear();
    this.dead = 0;
  }

  remove(entity: EntityName, recordId: string): void {
    const doc = this.findDoc.get(entity, recordId);
    if (doc) this.retire(doc.doc_id);
  }

  /**
   * Takes an entry out of search at once (its search_doc row goes, and every query reaches
   * records through search_doc) and leaves its FTS5 row for a later batch. Deleting one row from
   * a large contentless-delete index rewrites the segment's tombstone pages, ~170 KB and 20-40 ms
   * per transaction at 300,000 records, while deleting hundreds in one transaction costs about
   * the same as one. Retired rows are purged DEAD_BATCH at a time.
   */
  private retire(docId: number): void {
    this.deleteDoc.run(docId);
    this.insertDead.run(docId);
    this.dead = (this.dead ?? (this.countDead.get() as { n: number }).n) + 1;
    if (this.dead >= DEAD_BATCH) this.purge();
  }

  /** Deletes retired FTS rows (inside the caller's transaction). */
  purge(): void {
    this.sqlite.exec('DELETE FROM search_fts WHERE rowid IN (SELECT doc_id FROM search_dead); DELETE FROM search_dead;');
    this.dead = 0;
  }

  /**
   * Best matches across entities. Ranking every match of a broad query ("公司" hits every company)
   * costs more than it is worth, so ranking looks at the first CANDIDATES matches only.
   */
  search(query: string, limit: number, entity?: EntityName): { entity: EntityName; id: string }[] {
    const match = buildMatchQuery(query);
    if (!match) return [];
    // Per entity, newest documents first among the candidates: a record edited or created recently
    // is the likelier target when a query matches thousands. Scores are comparable across entities
    // (one FTS table), so the best of each entity's candidates are merged by score.
    const stmt = this.sqlite.prepare(
      `SELECT d.entity AS entity, d.record_id AS id, m.score AS score
         FROM (SELECT rowid, bm25(search_fts, 4.0, 1.0) AS score FROM search_fts
                WHERE search_fts MATCH @match AND rowid BETWEEN @lo AND @hi ORDER BY rowid DESC LIMIT ${CANDIDATES}) m
         JOIN search_doc d ON d.doc_id = m.rowid
        ORDER BY m.score LIMIT @limit`,
    );
    const wanted = entity ? [entity] : (Object.keys(SEARCH_SLOTS) as EntityName[]);
    const rows = wanted.flatMap((ent) => stmt.all({ match, ...docRange(ent), limit }) as { entity: EntityName; id: string; score: number }[]);
    return rows
      .sort((a, b) => a.score - b.score)
      .slice(0, limit)
      .map(({ entity: ent, id }) => ({ entity: ent, id }));
  }

}

const CANDIDATES = 2000;
