import type { ConflictEntry, RecordData, SessionUser, SyncStatus } from '../../src-shared/api/client-api.contract';
import { entities, fieldDef, type EntityName } from '../../src-shared/entities/index';

/** Human-readable output. `--json` prints the core's own objects instead; these are for people. */

const SYSTEM_TIMES = new Set(['createdAt', 'updatedAt', 'deletedAt']);

function iso(ms: number | null | undefined): string {
  return typeof ms === 'number' ? new Date(ms).toISOString() : '-';
}

function valueText(entity: EntityName, field: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.some((v) => typeof v === 'object' && v !== null) ? JSON.stringify(value) : value.map(String).join(', ');
  if (typeof value === 'number' && (SYSTEM_TIMES.has(field) || fieldDef(entity, field)?.kind === 'datetime')) return iso(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A record as `field  value` lines, fields in definition order under the names --set takes. */
export function recordText(entity: EntityName, record: RecordData): string {
  const order = ['id', ...Object.keys(entities[entity].fields), 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'];
  const rest = Object.keys(record).filter((k) => !order.includes(k) && k !== 'deletedAt');
  const keys = [...order, ...rest].filter((k) => Object.hasOwn(record, k));
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${valueText(entity, k, record[k])}`.trimEnd()).join('\n');
}

/** One line per record: id, title and the entity's subtitle fields. */
export function listText(entity: EntityName, rows: RecordData[]): string {
  const def = entities[entity];
  return rows
    .map((r) => [r.id, valueText(entity, def.titleField, r[def.titleField]), ...def.subtitleFields.map((f) => valueText(entity, f, r[f]))].join('\t').trimEnd())
    .join('\n');
}

export function statusText(status: SyncStatus, session: SessionUser | null): string {
  const lines: [string, string][] = [
    ['state', status.state],
    ['server', status.server ?? '-'],
    ['user', session ? `${session.name} (${session.username}, ${session.role})` : '-'],
    ['pending', String(status.pending)],
    ['conflicts', String(status.conflicts)],
    ['last sync', iso(status.lastSyncAt)],
    ['last error', status.lastError ?? '-'],
  ];
  return lines.map(([k, v]) => `${k.padEnd(10)}  ${v}`).join('\n');
}

export function conflictText(entries: ConflictEntry[]): string {
  if (entries.length === 0) return 'no open conflicts';
  return entries
    .map((e) => {
      const head = `#${e.id}  ${e.kind}  ${e.entity} ${e.recordId} ${e.title}`;
      switch (e.kind) {
        case 'field': {
          const field = e.field ?? '';
          return `${head}\n    ${field}: mine ${JSON.stringify(e.mine[field] ?? null)}, kept ${JSON.stringify(e.theirs?.[field] ?? null)} by ${e.byName ?? '?'} at ${iso(e.at)}`;
        }
        case 'deleted':
          return `${head}\n    deleted by ${e.byName ?? '?'} at ${iso(e.at)}; my changes: ${JSON.stringify(e.mine)}`;
        case 'rejected':
          return `${head}\n    ${e.op} refused, ${e.code ?? '?'}: ${e.message ?? ''}; what I sent: ${JSON.stringify(e.mine)}`;
        default: {
          const exhaustive: never = e.kind;
          return exhaustive;
        }
      }
    })
    .join('\n');
}
