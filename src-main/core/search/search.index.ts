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
const SEARCH_SLOTS = { account: 1, contact: 2 } as const satisfies Record<EntityName, number>;
const SLOT_SIZE = 2 ** 40;

export function docRange(entity: EntityName): { lo: number; hi: number } {
  const lo = SEARCH_SLOTS[entity] * SLOT_SIZE;
  return { lo, hi: lo + SLOT_SIZE - 1 };
}

export class SearchIndex {
  private readonly nextDoc = new Map<EntityName, number>();
  private readonly findDoc: Database.Statement<[string, string], { doc_id: number }>;
  private readonly insertDoc: Database.Statement<[number, string, string]>;
  private readonly deleteDoc: Database.Statement<[number]>;
  private readonly insertFts: Database.Statement<[number, string, string]>;
  private readonly deleteFts: Database.Statement<[number]>;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly refTitle: (entity: string, id: string) => string | null = () => null,
  ) {
    this.findDoc = sqlite.prepare('SELECT doc_id FROM search_doc WHERE entity = ? AND record_id = ?');
    this.insertDoc = sqlite.prepare('INSERT INTO search_doc (doc_id, entity, record_id) VALUES (?, ?, ?)');
    this.deleteDoc = sqlite.prepare('DELETE FROM search_doc WHERE doc_id = ?');
    this.insertFts = sqlite.prepare('INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)');
    this.deleteFts = sqlite.prepare('DELETE FROM search_fts WHERE rowid = ?');
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
    this.remove(entity, record.id);
    this.putNew(entity, record);
  }

  /** Adds an entry for a record known not to be indexed yet (bulk loads). */
  putNew(entity: EntityName, record: Record<string, unknown> & { id: string }): void {
    const { title, body } = SearchIndex.documentFor(entity, record, this.refTitle);
    const docId = this.allocateDoc(entity);
    this.insertDoc.run(docId, entity, record.id);
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
  }

  private allocateDoc(entity: EntityName): number {
    let next = this.nextDoc.get(entity);
    if (next === undefined) {
      const { lo, hi } = docRange(entity);
      const row = this.sqlite.prepare('SELECT max(doc_id) AS top FROM search_doc WHERE doc_id BETWEEN ? AND ?').get(lo, hi) as { top: number | null };
      next = (row.top ?? lo) + 1;
    }
    this.nextDoc.set(entity, next + 1);
    return next;
  }

  /** Drops the whole index; the caller re-puts every live record in the same transaction. */
  clear(): void {
    this.sqlite.exec('DELETE FROM search_fts; DELETE FROM search_doc;');
    this.nextDoc.clear();
  }

  remove(entity: EntityName, recordId: string): void {
    const doc = this.findDoc.get(entity, recordId);
    if (!doc) return;
    this.deleteFts.run(doc.doc_id);
    this.deleteDoc.run(doc.doc_id);
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
