import type Database from 'better-sqlite3';

/** Per-user settings stored in the replica as JSON (language, grid column layouts). */
export class SettingsRepository {
  private readonly read: Database.Statement<[string], { value: string | null }>;
  private readonly write: Database.Statement<[string, string, number]>;

  constructor(sqlite: Database.Database) {
    this.read = sqlite.prepare('SELECT value FROM settings WHERE key = ?');
    this.write = sqlite.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
  }

  get(key: string): unknown {
    const row = this.read.get(key);
    return row?.value ? (JSON.parse(row.value) as unknown) : null;
  }

  set(key: string, value: unknown): void {
    this.write.run(key, JSON.stringify(value ?? null), Date.now());
  }
}
