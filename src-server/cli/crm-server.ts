import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { AuthError, UserRepository, roles, type ListedUser } from '../auth/user.repository';
import { OrgError, OrgRepository } from '../auth/org.repository';
import { openStore, StoreTooNewError } from '../store/open-store';
import type { RunningServer } from '../server';

const USAGE = `crm-server: the offline CRM's sync server

  crm-server serve --data <dir> [--port 8787] [--host 127.0.0.1] [--pg <postgres-url>] [--cert <file> --key <file>]
      [--lock-after 5] [--session-idle-days 30] [--login-attempts 10] [--trust-proxy <addresses>]
      --lock-after: wrong passwords in a row that lock an account (0: never)
      --session-idle-days: a device unused this long must sign in again (0: never)
      --login-attempts: sign-in attempts a minute per client address and per username
      --trust-proxy: proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For names the client
  crm-server user add --data <dir> [--pg <url>] --username <u> --password <p> --role <role> [--name <n>] [--department <d>] [--manager <username>] [--json]
  crm-server user list --data <dir> [--pg <url>] [--json]
  crm-server user set --username <u> --data <dir> [--pg <url>] [--department <d>] [--manager <username>] [--roles <a,b>] [--name <n>] [--json]
      --department: an id or a path of names (销售部/华东区; made when missing), '' for none (the company)
      --manager: a username, '' for none; --roles: one or more role codes, comma-separated (the first is shown)
  crm-server department add --name <n> [--parent <d>] --data <dir> [--pg <url>] [--json]
      --parent: an id or a path of names; without it the department sits at the top
  crm-server department list --data <dir> [--pg <url>] [--json]
  crm-server user unlock --username <u> --data <dir> [--pg <url>] [--json]
  crm-server audit logins --data <dir> [--pg <url>] [--username <u>] [--limit 100] [--json]
      sign-ins and their refusals, newest first (never passwords)
  crm-server device list --data <dir> [--pg <url>] [--json]
  crm-server device revoke <device-id> --data <dir> [--pg <url>]
  crm-server demo --data <dir> [--pg <url>] [--accounts 240] [--no-data] [--json]
      on a server without users: the demo users (one password, printed) and zh-CN demo customers

roles: ${roles.join(', ')}
--pg runs on PostgreSQL instead of the SQLite files in --data.`;

class UsageError extends Error {}

const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));

/**
 * migrations/ above this file, as server.ts's defaultMigrationsRoot finds it. The user and device
 * commands do not import server.ts: it loads Fastify and the sync service, most of a command's
 * start-up time.
 */
function migrationsRoot(): string {
  for (let dir = here; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'migrations');
    if (fs.existsSync(path.join(candidate, 'server-sqlite'))) return candidate;
  }
  throw new Error(`cannot find migrations/server-sqlite above ${here}`);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      pg: { type: 'string' },
      'pg-schema': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      department: { type: 'string' },
      manager: { type: 'string' },
      roles: { type: 'string' },
      parent: { type: 'string' },
      json: { type: 'boolean', default: false },
      accounts: { type: 'string' },
      limit: { type: 'string' },
      'lock-after': { type: 'string' },
      'session-idle-days': { type: 'string' },
      'login-attempts': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'no-data': { type: 'boolean', default: false },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

type Parsed = ReturnType<typeof parse>;

function storeOptions(values: Parsed['values']) {
  if (!values.pg && !values.data) throw new UsageError('say where the data lives: --data <dir> (SQLite) or --pg <postgres-url>');
  return { dataDir: values.data, pgUrl: values.pg, pgSchema: values['pg-schema'], migrationsRoot: migrationsRoot() };
}

function required(values: Parsed['values'], name: 'username' | 'password' | 'role'): string {
  const v = values[name];
  if (!v) throw new UsageError(`missing --${name}`);
  return v;
}

async function withUsers<T>(values: Parsed['values'], fn: (users: UserRepository) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptions(values));
  try {
    return await fn(new UserRepository(store));
  } finally {
    await store.close();
  }
}

async function withOrg<T>(values: Parsed['values'], fn: (org: OrgRepository, users: UserRepository) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptions(values));
  try {
    return await fn(new OrgRepository(store), new UserRepository(store));
  } finally {
    await store.close();
  }
}

/** A user as `user list` and `user set` print it: the department's path instead of its id. */
async function listed(org: OrgRepository, u: ListedUser) {
  return { ...u, department: u.department === null ? null : await org.departmentPath(u.department), departmentId: u.department };
}

/** `user set`: each option given changes that, an empty one clears it. */
async function setUser(values: Parsed['values']) {
  const username = required(values, 'username');
  return withOrg(values, async (org, users) => {
    const user = await users.byUsername(username);
    if (!user) throw new UsageError(`no user "${username}"`);
    const change: { name?: string; departmentId?: string | null; managerId?: string | null; roles?: string[] } = {};
    if (values.name !== undefined) {
      if (values.name.trim() === '') throw new UsageError('--name may not be empty');
      change.name = values.name;
    }
    if (values.department !== undefined) {
      change.departmentId = values.department.trim() === '' ? null : await org.resolveDepartment(values.department, { create: true });
      if (values.department.trim() !== '' && change.departmentId === null) throw new UsageError(`invalid department "${values.department}"`);
    }
    if (values.manager !== undefined) {
      if (values.manager.trim() === '') change.managerId = null;
      else {
        const manager = await users.byUsername(values.manager.trim());
        if (!manager) throw new UsageError(`no user "${values.manager}" to be the manager`);
        change.managerId = manager.id;
      }
    }
    if (values.roles !== undefined || values.role !== undefined) {
      change.roles = (values.roles ?? values.role ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
      if (change.roles.length === 0) throw new UsageError('--roles needs at least one role');
    }
    if (Object.keys(change).length === 0) throw new UsageError('say what to change: --department, --manager, --roles or --name');
    await org.updateUser(user.id, change);
    const all = await users.list();
    const after = all.find((u) => u.id === user.id)!;
    return { ...(await listed(org, after)), manager: all.find((u) => u.id === after.managerId)?.username ?? null };
  });
}

/** The version in the project's package.json (health reports it), whichever way the server was started. */
function serverVersion(): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(migrationsRoot()), 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') return pkg.version;
  } catch {
    // A bundle without its package.json: npm's variable, if npm started it.
  }
  return process.env.npm_package_version;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that makes the first administrator, for this store; a database password stays out of the log. */
function firstAdminCommand(values: Parsed['values']): string {
  let where: string;
  if (values.pg) {
    const url = new URL(values.pg);
    if (url.password) url.password = '***';
    where = `--pg ${shellQuote(url.toString())}${values['pg-schema'] ? ` --pg-schema ${shellQuote(values['pg-schema'])}` : ''}`;
  } else {
    where = `--data ${shellQuote(values.data ?? '')}`;
  }
  return `npm run --silent crm-server -- user add ${where} --username admin --password <password> --role admin`;
}

/** A whole number option of at least `min`, or undefined when not given. */
function count(values: Parsed['values'], name: 'limit' | 'lock-after' | 'login-attempts', min: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`invalid --${name} ${raw}: a whole number of at least ${min}`);
  return n;
}

async function serve(values: Parsed['values']): Promise<void> {
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port ${values.port}`);
  const lockAfter = count(values, 'lock-after', 0);
  const attempts = count(values, 'login-attempts', 1);
  const idleDays = values['session-idle-days'] === undefined ? undefined : Number(values['session-idle-days']);
  if (idleDays !== undefined && (!Number.isFinite(idleDays) || idleDays < 0 || values['session-idle-days']?.trim() === '')) {
    throw new UsageError(`invalid --session-idle-days ${values['session-idle-days']}: a number of days, 0 for never`);
  }
  if (Boolean(values.cert) !== Boolean(values.key)) throw new UsageError('HTTPS needs both --cert and --key');
  // Signals are handled from the start: one that arrives while the store migrates or the port
  // opens stops the server once it is up, instead of killing the process halfway through.
  let server: RunningServer | null = null;
  let stopping: NodeJS.Signals | null = null;
  const shutdown = (running: RunningServer, signal: NodeJS.Signals) => {
    running.app.log.info({ signal }, 'shutting down: finishing requests in flight');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = signal;
    if (server) shutdown(server, signal);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const { startServer } = await import('../server');
  server = await startServer({
    ...storeOptions(values),
    port,
    host: values.host,
    certFile: values.cert,
    keyFile: values.key,
    logLevel: values['log-level'],
    version: serverVersion(),
    authPolicy: { ...(lockAfter !== undefined ? { lockAfter } : {}), ...(idleDays !== undefined ? { sessionIdleMs: Math.round(idleDays * 24 * 60 * 60_000) } : {}) },
    signInLimits: attempts !== undefined ? { perAddress: attempts, perUsername: attempts } : undefined,
    trustProxy: values['trust-proxy'],
  });
  if (stopping) return shutdown(server, stopping);
  const log = server.app.log;
  log.info({ url: server.url, store: server.store.location }, 'sync server listening');
  if ((await server.users.count()) === 0) log.warn(`no users yet; create the first administrator with: ${firstAdminCommand(values)}`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (command === 'serve') return serve(values);
  if (command === 'user' && sub === 'add') {
    const user = await withUsers(values, (users) =>
      users.add({ username: required(values, 'username'), password: required(values, 'password'), role: required(values, 'role'), name: values.name, department: values.department, manager: values.manager }),
    );
    console.log(values.json ? JSON.stringify({ id: user.id }) : `added ${user.role} ${user.username} (${user.id})`);
    return;
  }
  if (command === 'user' && sub === 'list') {
    const list = await withOrg(values, async (org, users) => Promise.all((await users.list()).map((u) => listed(org, u))));
    if (values.json) console.log(JSON.stringify(list));
    else
      for (const u of list)
        console.log(`${u.id}  ${u.username.padEnd(16)} ${u.roles.join(',').padEnd(16)} ${u.name}${u.department ? `  ${u.department}` : ''}${u.disabledAt ? '  (disabled)' : ''}${u.lockedAt ? '  (locked)' : ''}`);
    return;
  }
  if (command === 'user' && sub === 'set') {
    const user = await setUser(values);
    if (values.json) console.log(JSON.stringify(user));
    else console.log(`updated ${user.username}: department ${user.department ?? '(none)'}, roles ${user.roles.join(',')}, manager ${user.manager ?? '(none)'}`);
    return;
  }
  if (command === 'department' && sub === 'add') {
    const name = values.name?.trim();
    if (!name) throw new UsageError('missing --name');
    const created = await withOrg(values, async (org) => {
      let parentId: string | null = null;
      if (values.parent !== undefined && values.parent.trim() !== '') {
        parentId = await org.resolveDepartment(values.parent, { create: false });
        if (parentId === null) throw new UsageError(`no department "${values.parent}" to put it under (see department list)`);
      }
      const department = await org.createDepartment({ name, parentId });
      return { ...department, path: await org.departmentPath(department.id) };
    });
    console.log(values.json ? JSON.stringify({ id: created.id, path: created.path }) : `added department ${created.path} (${created.id})`);
    return;
  }
  if (command === 'department' && sub === 'list') {
    const list = await withOrg(values, async (org) => Promise.all((await org.departments()).map(async (d) => ({ ...d, path: await org.departmentPath(d.id) }))));
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (values.json) console.log(JSON.stringify(list));
    else if (list.length === 0) console.log('no departments yet; add one with: crm-server department add --name <name>');
    else for (const d of list) console.log(`${d.id}  ${d.path}  (${d.userCount} ${d.userCount === 1 ? 'user' : 'users'})`);
    return;
  }
  if (command === 'user' && sub === 'unlock') {
    const { user, wasLocked } = await withUsers(values, (users) => users.unlock(required(values, 'username')));
    if (values.json) console.log(JSON.stringify({ id: user.id, username: user.username, unlocked: wasLocked }));
    else console.log(wasLocked ? `unlocked ${user.username}; it may sign in again` : `${user.username} was not locked`);
    return;
  }
  if (command === 'audit' && sub === 'logins') {
    const limit = count(values, 'limit', 1);
    const entries = await withUsers(values, (users) => users.audit.list({ username: values.username, limit }));
    if (values.json) console.log(JSON.stringify(entries));
    else if (entries.length === 0) console.log('no sign-ins recorded');
    else
      for (const e of entries)
        console.log(`${new Date(e.at).toISOString()}  ${e.outcome.padEnd(12)} ${JSON.stringify(e.username).padEnd(18)} ${(e.address ?? '-').padEnd(16)} ${e.deviceName ?? '-'}`);
    return;
  }
  if (command === 'device' && sub === 'list') {
    const list = await withUsers(values, (users) => users.devices());
    if (values.json) console.log(JSON.stringify(list));
    else if (list.length === 0) console.log('no devices have signed in yet');
    else
      for (const d of list)
        console.log(`${d.id}  ${d.username.padEnd(16)} ${d.name.padEnd(24)} last seen ${d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : '-'}${d.revokedAt ? '  REVOKED' : d.expiredAt ? '  EXPIRED' : ''}`);
    return;
  }
  if (command === 'demo') {
    const accounts = values.accounts === undefined ? 240 : Number(values.accounts);
    if (!Number.isInteger(accounts) || accounts < 0) throw new UsageError(`invalid --accounts ${values.accounts}`);
    const [{ seedDemoServer }, { SyncService }] = await Promise.all([import('../demo/demo-seed'), import('../sync/sync.service')]);
    const store = await openStore(storeOptions(values));
    try {
      const outcome = await seedDemoServer(new UserRepository(store), new SyncService(store), { accounts, withData: !values['no-data'] });
      if (values.json) console.log(JSON.stringify(outcome));
      else if (!outcome.createdUsers) console.log('the server already has users; demo data is added only to an empty server');
      else
        console.log(
          `demo: ${outcome.users.length} users (password ${outcome.users[0]?.password}), ${outcome.accounts} customers, ${outcome.contacts} contacts, ` +
            `${outcome.opportunities} opportunities, ${outcome.activities} activities, ${outcome.tasks} tasks`,
        );
    } finally {
      await store.close();
    }
    return;
  }
  if (command === 'device' && sub === 'revoke') {
    if (!arg) throw new UsageError('which device? crm-server device revoke <device-id> (see device list)');
    const found = await withUsers(values, (users) => users.revokeDevice(arg));
    if (!found) throw new UsageError(`no device ${arg}`);
    console.log(`device ${arg} revoked; it is refused from its next request on`);
    return;
  }
  throw new UsageError(`unknown command "${positionals.join(' ')}"; see crm-server --help`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof AuthError || error instanceof OrgError || error instanceof StoreTooNewError) {
    console.error(`crm-server: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`crm-server: ${error.message}`);
    process.exit(2);
  }
  console.error(`crm-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
