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
export const SEARCH_INDEX_VERSION = 1;

export class SearchIndex {
  private readonly findDoc: Database.Statement<[string, string], { doc_id: number }>;
  private readonly insertDoc: Database.Statement<[string, string]>;
  private readonly deleteDoc: Database.Statement<[number]>;
  private readonly insertFts: Database.Statement<[number, string, string]>;
  private readonly deleteFts: Database.Statement<[number]>;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly refTitle: (entity: string, id: string) => string | null = () => null,
  ) {
    this.findDoc = sqlite.prepare('SELECT doc_id FROM search_doc WHERE entity = ? AND record_id = ?');
    this.insertDoc = sqlite.prepare('INSERT INTO search_doc (entity, record_id) VALUES (?, ?)');
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
    const docId = Number(this.insertDoc.run(entity, record.id).lastInsertRowid);
    this.insertFts.run(docId, title, body);
  }

  /** Drops the whole index; the caller re-puts every live record in the same transaction. */
  clear(): void {
    this.sqlite.exec('DELETE FROM search_fts; DELETE FROM search_doc;');
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
    // Newest documents first among the candidates: a record edited or created recently is the
    // likelier target when a query matches thousands.
    const candidates = entity
      ? `SELECT f.rowid AS rowid, bm25(search_fts, 4.0, 1.0) AS score FROM search_fts f JOIN search_doc d ON d.doc_id = f.rowid
          WHERE search_fts MATCH @match AND d.entity = @entity ORDER BY f.rowid DESC LIMIT ${CANDIDATES}`
      : `SELECT rowid, bm25(search_fts, 4.0, 1.0) AS score FROM search_fts WHERE search_fts MATCH @match ORDER BY rowid DESC LIMIT ${CANDIDATES}`;
    const rows = this.sqlite
      .prepare(`SELECT d.entity AS entity, d.record_id AS id FROM (${candidates}) m JOIN search_doc d ON d.doc_id = m.rowid ORDER BY m.score LIMIT @limit`)
      .all(entity ? { match, entity, limit } : { match, limit }) as { entity: EntityName; id: string }[];
    return rows;
  }
}

const CANDIDATES = 2000;
