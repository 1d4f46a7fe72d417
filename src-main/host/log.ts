/**
 * Structured logs for the host processes: one JSON object per line on stderr, so stdout stays
 * free for the one line a launcher reads (the URL). Quiet by default: warnings and errors only;
 * CRM_LOG_LEVEL=info or debug shows more.
 */
export const logLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
}

function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (logLevels as readonly string[]).includes(value);
}

export function createLogger(
  options: { level?: LogLevel; name?: string; write?: (line: string) => void } = {},
): Logger {
  const envLevel = process.env.CRM_LOG_LEVEL;
  const threshold = logLevels.indexOf(options.level ?? (isLogLevel(envLevel) ? envLevel : 'warn'));
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const at =
    (level: LogLevel) =>
    (msg: string, fields?: LogFields): void => {
      if (logLevels.indexOf(level) > threshold) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, ...(options.name ? { name: options.name } : {}), msg, ...fields }));
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** For tests and embedders that want silence. */
export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };
