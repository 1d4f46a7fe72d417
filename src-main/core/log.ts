/**
 * The core's log: JSON lines on stderr. stdout belongs to the process that hosts the core (the
 * browser host prints its URL there and tools read it).
 */
export function logCore(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}
