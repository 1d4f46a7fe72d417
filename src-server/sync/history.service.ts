import { entities, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { historyPage, type HistoryEntry, type HistoryPage } from '../../src-shared/sync/protocol.contract';
import type { SqlStore } from '../store/sql-store';
import { auditPage } from './audit.store';
import { loadRecord } from './record.store';
import type { Session } from './sync.service';
import { sees } from './visibility';

type FieldValue = HistoryEntry['fields'][number]['new'];

function parsed(text: string | null): FieldValue {
  return text === null ? null : (JSON.parse(text) as FieldValue);
}

/**
 * A record's audit log as the history view reads it (GET /v1/history): its changes newest first,
 * one entry per change with every field that change wrote. Only for a record the user may see now,
 * by the same scope check as pulls; any other record (someone else's, moved away, never there)
 * reads as missing, so the answer says nothing about whether it exists.
 */
export class HistoryService {
  constructor(private readonly store: SqlStore) {}

  /** The page, or null when the record is not there for this user. */
  async history(session: Session, entity: EntityName, recordId: string, before: number | null, limit: number): Promise<HistoryPage | null> {
    const record = await loadRecord(this.store, entity, recordId);
    if (!record || !sees(session.access, entity, record.visKey)) return null;
    // Fields newer than the client's schema stay out, as in its pulls.
    const unknown = new Set(
      Object.entries(entities[entity].fields as Record<string, FieldDef>)
        .filter(([, def]) => (def.since ?? 0) > session.schema)
        .map(([name]) => name),
    );
    // Fields the user may not read leave no trace in their history either.
    for (const f of session.access.hidden[entity] ?? []) unknown.add(f);
    const { rows, more } = await auditPage(this.store, entity, recordId, before, limit);
    const entries: HistoryEntry[] = [];
    for (const row of rows) {
      let entry = entries[entries.length - 1];
      if (!entry || entry.cn !== row.cn) {
        entry = {
          cn: row.cn,
          kind: row.kind,
          at: row.at,
          user: { id: row.user_id, name: row.user_name },
          device: row.device_id ? { id: row.device_id, name: row.device_name } : null,
          fields: [],
        };
        entries.push(entry);
      }
      if (row.field !== null && !unknown.has(row.field)) entry.fields.push({ field: row.field, old: parsed(row.old_value), new: parsed(row.new_value) });
    }
    const page = { entries, nextBefore: more ? entries[entries.length - 1]!.cn : null };
    // What goes out is what the protocol promises: a value that does not fit is a bug here, not the client's to guess.
    return historyPage.parse(page);
  }
}
