import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReplicaFile } from '../support/replica-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, WebSocket, WebSocketRoute } from 'playwright-core';
import type { SyncStatus } from '../../src-shared/api/client-api.contract';
import { startTestServer, type TestServer } from '../support/sync-fixture';
import { launchChromium, screenshotPath, startHost, type RunningHost, dismissToasts } from './host-process';

/**
 * The renderer's sync screens in real Chromium through the browser host. The conflict inbox runs
 * on a demo replica into whose `conflict` table the test writes entries of each kind (as the sync
 * engine would after a push), so every kind renders with real records, links and actions. Sign-in,
 * the sync status and sign-out run against a real sync server on SQLite, started in this process.
 */
const TIMEOUT = 180_000;

/**
 * `whole`: the page scrolls inside the content area, not the document, so the window is made as
 * tall as the content for the picture and put back afterwards.
 */
async function screenshot(page: Page, name: string, options: { whole?: boolean; keepToasts?: boolean } = {}): Promise<void> {
  if (!options.keepToasts) await dismissToasts(page);
  const viewport = page.viewportSize();
  if (options.whole && viewport) {
    const height = await page.evaluate(() => {
      const content = document.querySelector('.content');
      return content ? content.scrollHeight + content.getBoundingClientRect().top : document.body.scrollHeight;
    });
    await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height, viewport.height), 6000) });
  }
  await page.screenshot({ path: screenshotPath(name) });
  if (options.whole && viewport) await page.setViewportSize(viewport);
}

/** The next call of `method` the page sends over the API socket, with its input. */
async function nextCall(socket: WebSocket, method: string): Promise<Record<string, unknown>> {
  const frame = await socket.waitForEvent('framesent', {
    predicate: (f) => (JSON.parse(String(f.payload)) as { method?: string }).method === method,
  });
  return (JSON.parse(String(frame.payload)) as { input: Record<string, unknown> }).input;
}

interface Seeded {
  levelEntry: number;
  accountA: { id: string; name: string };
  accountB: { id: string; name: string };
  contact: { id: string; name: string };
}

const GONE_ID = '01900000-0000-7000-8000-00000000dead';
const NEW_ID = '01900000-0000-7000-8000-0000000000ab';

/** Writes inbox entries of every kind into a stopped host's replica, about demo records. */
function seedConflicts(dataDir: string): Seeded {
  const db = openReplicaFile(dataDir);
  try {
    const accounts = db.prepare('SELECT id, name FROM accounts WHERE deleted_at IS NULL ORDER BY id LIMIT 2').all() as { id: string; name: string }[];
    const contact = db.prepare('SELECT id, name, account_id AS accountId FROM contacts WHERE deleted_at IS NULL AND account_id <> ? ORDER BY id LIMIT 1').get(accounts[0]?.id) as
      | { id: string; name: string; accountId: string }
      | undefined;
    const [accountA, accountB] = accounts;
    if (!accountA || !accountB || !contact) throw new Error('the demo replica has no records to seed conflicts about');
    const insert = db.prepare(
      `INSERT INTO conflict (kind, entity, record_id, title, op, field, mine, theirs, by_name, at, winning_version, code, message, issues, created_at, resolved_at, resolution)
       VALUES (@kind, @entity, @recordId, @title, @op, @field, @mine, @theirs, @byName, @at, @winningVersion, @code, @message, @issues, @createdAt, @resolvedAt, @resolution)`,
    );
    const now = Date.now();
    const row = (over: Record<string, unknown>) => ({
      op: 'update',
      field: null,
      theirs: null,
      byName: null,
      at: null,
      winningVersion: null,
      code: null,
      message: null,
      issues: null,
      createdAt: now - 20 * 60_000,
      resolvedAt: null,
      resolution: null,
      ...over,
    });
    // Oldest first: the inbox lists newest first.
    insert.run(row({ kind: 'field', entity: 'account', recordId: accountB.id, title: accountB.name, field: 'source', mine: '{"source":"referral"}', theirs: '{"source":"website"}', byName: '赵敏', at: now - 3 * 86_400_000, createdAt: now - 3 * 86_400_000, resolvedAt: now - 2 * 86_400_000, resolution: 'theirs' }));
    insert.run(
      row({
        kind: 'rejected',
        entity: 'account',
        recordId: NEW_ID,
        title: '深圳前海新能源科技有限公司',
        op: 'create',
        mine: JSON.stringify({ name: '深圳前海新能源科技有限公司', type: 'company', industry: 'energy', level: 'A', status: 'normal', creditCode: '91440300MA5G8TQX2K', city: '深圳', tags: [] }),
        code: 'UNIQUE_VIOLATION',
        message: 'creditCode 91440300MA5G8TQX2K is already used by C-000231',
        issues: JSON.stringify([{ field: 'creditCode', key: 'validation.unique' }]),
        createdAt: now - 50 * 60_000,
      }),
    );
    insert.run(
      row({
        kind: 'deleted',
        entity: 'account',
        recordId: GONE_ID,
        title: '杭州西湖茶业有限公司',
        mine: JSON.stringify({ industry: 'retail', level: 'B', tags: ['茶叶', '华东'], phone: '0571-87651234' }),
        byName: '王强',
        at: now - 2 * 3_600_000,
        createdAt: now - 90 * 60_000,
      }),
    );
    insert.run(
      row({
        kind: 'rejected',
        entity: 'account',
        recordId: accountB.id,
        title: accountB.name,
        mine: JSON.stringify({ name: '', phone: '12345' }),
        code: 'VALIDATION',
        message: 'name: required; phone: not a phone number',
        issues: JSON.stringify([
          { field: 'name', key: 'validation.required' },
          { field: 'phone', key: 'validation.phone' },
        ]),
        createdAt: now - 30 * 60_000,
      }),
    );
    insert.run(row({ kind: 'field', entity: 'contact', recordId: contact.id, title: contact.name, field: 'accountId', mine: JSON.stringify({ accountId: accountB.id }), theirs: JSON.stringify({ accountId: accountA.id }), byName: '李娜', at: now - 40 * 60_000, createdAt: now - 12 * 60_000 }));
    insert.run(row({ kind: 'field', entity: 'account', recordId: accountA.id, title: accountA.name, field: 'phone', mine: '{"phone":"0571-88881234"}', theirs: '{"phone":"0571-88889999"}', byName: '李娜', at: now - 15 * 60_000, createdAt: now - 6 * 60_000 }));
    const level = insert.run(row({ kind: 'field', entity: 'account', recordId: accountA.id, title: accountA.name, field: 'level', mine: '{"level":"A"}', theirs: '{"level":"C"}', byName: '李娜', at: now - 15 * 60_000, createdAt: now - 5 * 60_000 }));
    return { levelEntry: Number(level.lastInsertRowid), accountA, accountB, contact };
  } finally {
    db.close();
  }
}

describe('the conflict inbox', () => {
  let host: RunningHost;
  let browser: Browser;
  let seeded: Seeded;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-inbox-'));
    // First start: migrations and demo data; then the entries go in while the host is down.
    const first = await startHost({ demo: true, locale: 'zh-CN', dataDir });
    await first.stop({ keepData: true });
    seeded = seedConflicts(dataDir);
    host = await startHost({ demo: true, locale: 'zh-CN', dataDir });
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  }, TIMEOUT);

  it(
    'lists every kind of entry with its values and settles them',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const socketOpened = page.waitForEvent('websocket');
      await page.goto(host.url);
      const socket = await socketOpened;

      // Six open entries: the sidebar and the top bar both say so; the top bar leads to the inbox.
      await page.getByTestId('row-count').filter({ hasText: /共 [\d,]+ 个客户/ }).waitFor();
      expect(await page.getByTestId('nav-conflicts-count').textContent()).toBe('6');
      expect(await page.getByTestId('sync-conflicts').textContent()).toContain('6 条冲突');
      await page.getByTestId('sync-conflicts').click();
      const inbox = page.getByTestId('conflict-inbox');
      await inbox.waitFor();
      expect(page.url()).toContain('#/conflicts');
      expect(await page.getByTestId('conflict-count').textContent()).toBe('6 条待处理');

      // One card per record, newest first; the two lost fields of account A share one card.
      const groups = page.getByTestId('conflict-group');
      await groups.first().waitFor();
      expect(await groups.count()).toBe(5);
      const groupA = groups.filter({ has: page.locator(`[data-record="${seeded.accountA.id}"]`) }).or(page.locator(`[data-testid="conflict-group"][data-record="${seeded.accountA.id}"]`));
      await expect.poll(() => groupA.getByTestId('conflict-entry').count()).toBe(2);

      // A lost enum value reads as its label; who won, and both buttons.
      const level = page.locator(`[data-testid="conflict-entry"][data-id="${seeded.levelEntry}"]`);
      expect(await level.getByTestId('conflict-mine').textContent()).toBe('A 高价值');
      expect(await level.getByTestId('conflict-theirs').textContent()).toBe('C 低价值');
      expect(await level.getByTestId('conflict-summary').textContent()).toContain('李娜');
      expect(await level.getByTestId('conflict-summary').textContent()).toContain('“客户分级”');
      expect(await level.getByTestId('conflict-action-mine').textContent()).toBe('使用我的值');
      expect(await level.getByTestId('conflict-action-theirs').textContent()).toBe('保留对方的值');

      // The contact's lost account shows account names, not ids.
      const contactEntry = page.locator(`[data-testid="conflict-group"][data-record="${seeded.contact.id}"] [data-testid="conflict-entry"]`);
      await contactEntry.getByTestId('conflict-mine').filter({ hasText: seeded.accountB.name }).waitFor();
      expect(await contactEntry.getByTestId('conflict-theirs').textContent()).toBe(seeded.accountA.name);

      // A record someone deleted: not on this device, my changes listed, restore or discard.
      const deleted = page.locator('[data-testid="conflict-entry"][data-kind="deleted"]');
      const deletedGroup = page.locator(`[data-testid="conflict-group"][data-record="${GONE_ID}"]`);
      await deletedGroup.getByTestId('conflict-record-gone').waitFor();
      expect(await deletedGroup.getByTestId('conflict-record-link').count()).toBe(0);
      expect(await deleted.getByTestId('conflict-summary').textContent()).toContain('王强');
      expect(await deleted.getByTestId('conflict-change-industry').textContent()).toContain('零售');
      expect(await deleted.getByTestId('conflict-change-tags').textContent()).toContain('茶叶、华东');
      expect(await deleted.getByTestId('conflict-change-phone').textContent()).toContain('0571-87651234');
      expect(await deleted.getByTestId('conflict-action-restore').textContent()).toBe('恢复记录');
      expect(await deleted.getByTestId('conflict-action-discard').textContent()).toBe('放弃我的修改');

      // Refused changes: the reason, the fields by their labels, and what I typed to correct.
      const refused = page.locator(`[data-testid="conflict-group"][data-record="${seeded.accountB.id}"] [data-testid="conflict-entry"][data-kind="rejected"]`);
      expect(await refused.getByTestId('conflict-summary').textContent()).toBe('服务器没有接受这次修改：有字段不符合要求');
      expect(await refused.getByTestId('conflict-issue-name').textContent()).toBe('客户名称：必填');
      expect(await refused.getByTestId('conflict-issue-phone').textContent()).toContain('电话格式不正确');
      expect(await refused.getByTestId('field-phone').inputValue()).toBe('12345');
      expect(await refused.getByTestId('field-error-name').textContent()).toBe('必填');
      const created = page.locator(`[data-testid="conflict-group"][data-record="${NEW_ID}"]`);
      expect(await created.getByTestId('conflict-summary').textContent()).toBe('服务器没有接受这次新建：有字段与已有记录重复');
      expect(await created.getByTestId('field-name').inputValue()).toBe('深圳前海新能源科技有限公司');
      expect(await created.getByTestId('field-industry').inputValue()).toBe('energy');
      expect(await created.getByTestId('field-error-creditCode').textContent()).toBe('有字段与已有记录重复');
      await page.mouse.move(0, 0);
      await screenshot(page, 'conflict-inbox.zh-CN.png', { whole: true });
      await refused.screenshot({ path: screenshotPath('conflict-rejected.zh-CN.png') });
      await deletedGroup.screenshot({ path: screenshotPath('conflict-deleted.zh-CN.png') });

      // Use mine: the call names the entry and the action; the entry leaves the list.
      const useMine = nextCall(socket, 'conflict.resolve');
      await level.getByTestId('conflict-action-mine').click();
      expect(await useMine).toEqual({ id: seeded.levelEntry, action: 'mine' });
      await level.waitFor({ state: 'detached' });
      await page.getByTestId('conflict-count').filter({ hasText: '5 条待处理' }).waitFor();
      await page.getByTestId('nav-conflicts-count').filter({ hasText: '5' }).waitFor();

      // Resend: the form checks first, then sends the corrected whole change.
      await refused.getByTestId('field-phone').fill('0755 2878 0808');
      await refused.getByTestId('conflict-action-resend').click();
      expect(await refused.getByTestId('field-error-name').textContent()).toBe('必填');
      await refused.getByTestId('field-name').fill('腾讯科技（深圳）有限公司');
      const resend = nextCall(socket, 'conflict.resolve');
      await refused.getByTestId('conflict-action-resend').click();
      expect(await resend).toEqual(expect.objectContaining({ action: 'resend', values: { name: '腾讯科技（深圳）有限公司', phone: '0755-28780808' } }));
      await page.getByTestId('conflict-count').filter({ hasText: '4 条待处理' }).waitFor();

      // Discard asks first.
      await deleted.getByTestId('conflict-action-discard').click();
      const confirm = page.getByTestId('discard-confirm');
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain('无法找回');
      await screenshot(page, 'conflict-discard-confirm.zh-CN.png');
      await confirm.getByTestId('confirm-cancel').click();
      await confirm.waitFor({ state: 'detached' });
      expect(await deleted.count()).toBe(1);

      // Settled entries come back with the toggle, saying what was done.
      await page.getByTestId('show-resolved').check();
      await page.getByTestId('conflict-resolved').first().waitFor();
      expect(await page.getByTestId('conflict-resolved').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('已使用我的值'), expect.stringContaining('已保留对方的值')]));
      await screenshot(page, 'conflict-inbox-resolved.zh-CN.png', { whole: true });
      await page.getByTestId('show-resolved').uncheck();

      // A record that still exists is one click away.
      await page.locator(`[data-testid="conflict-group"][data-record="${seeded.accountA.id}"]`).getByTestId('conflict-record-link').click();
      await page.getByTestId('account-detail').waitFor();
      expect(await page.getByTestId('detail-title').textContent()).toBe(seeded.accountA.name);
      await page.getByTestId('nav-conflicts').click();
      await inbox.waitFor();

      // The top bar's details: state, pending, conflicts, and the sync log export as a file.
      await dismissToasts(page);
      await page.getByTestId('sync-status').click();
      const details = page.getByTestId('sync-details');
      await details.waitFor();
      await screenshot(page, 'sync-details.local.zh-CN.png');
      const download = page.waitForEvent('download');
      await details.getByTestId('export-sync-log').click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^crm-sync-log-\d{8}-\d{6}\.json$/);
      const saved = await file.path();
      const body = JSON.parse(fs.readFileSync(saved, 'utf8')) as { status: { state: string; conflicts: number }; entries: unknown[] };
      expect(body.status.state).toBe('local');
      expect(Array.isArray(body.entries)).toBe(true);
      await page.getByTestId('toast').filter({ hasText: '已导出同步日志' }).waitFor();

      // English throughout.
      await page.keyboard.press('Escape');
      await page.getByTestId('user-menu').click();
      await page.getByTestId('lang-en').click();
      await page.getByTestId('conflict-count').filter({ hasText: 'To settle: 4' }).waitFor();
      expect(await page.locator('[data-testid="conflict-entry"][data-kind="deleted"] [data-testid="conflict-summary"]').textContent()).toContain('deleted this record');
      await page.mouse.move(0, 0);
      await screenshot(page, 'conflict-inbox.en.png', { whole: true });

      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});

/**
 * Sync states a local replica never reaches, told to the page the way the core tells them: the API
 * socket runs through a route that answers `sync.status` with the story's status and pushes `sync`
 * events, while every other call goes to the real core.
 */
async function tellSyncStatus(page: Page, first: SyncStatus): Promise<(next: SyncStatus) => void> {
  let current = first;
  let route: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/api(\?|$)/, (ws) => {
    const core = ws.connectToServer();
    const statusCalls = new Set<number>();
    ws.onMessage((message) => {
      const request = JSON.parse(String(message)) as { id?: number; method?: string };
      if (request.method === 'sync.status' && typeof request.id === 'number') statusCalls.add(request.id);
      core.send(message);
    });
    core.onMessage((message) => {
      const reply = JSON.parse(String(message)) as { id?: number; event?: { type?: string } };
      if (typeof reply.id === 'number' && statusCalls.delete(reply.id)) ws.send(JSON.stringify({ id: reply.id, reply: { ok: true, value: current } }));
      else if (reply.event?.type !== 'sync') ws.send(message);
    });
    route = ws;
  });
  return (next) => {
    current = next;
    route?.send(JSON.stringify({ event: { type: 'sync', status: next } }));
  };
}

describe('sync states told by the core', () => {
  let host: RunningHost;
  let browser: Browser;

  beforeAll(async () => {
    host = await startHost({ demo: false, locale: 'zh-CN' });
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  }, TIMEOUT);

  it(
    'shows the first sync as it goes, then a version refusal with its reason, details and retry',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const base: SyncStatus = {
        state: 'syncing',
        pending: 0,
        conflicts: 0,
        lastSyncAt: null,
        lastError: null,
        lastErrorKey: null,
        retryAt: null,
        server: 'https://crm.example.com',
        initial: { received: 12_500, total: 48_000 },
      };
      const tell = await tellSyncStatus(page, base);
      await page.goto(host.url);

      const progress = page.getByTestId('initial-progress-text');
      await progress.filter({ hasText: '已接收 12,500 / 48,000 条记录' }).waitFor();
      await screenshot(page, 'initial-sync.zh-CN.png');
      tell({ ...base, state: 'offline', initial: { received: 30_000, total: 48_000 }, lastError: 'connect ECONNREFUSED', lastErrorKey: 'sync.error.offline', retryAt: Date.now() + 42_000 });
      await page.getByTestId('initial-error').filter({ hasText: '暂时连不上同步服务器' }).waitFor();
      expect(await page.getByTestId('initial-error').textContent()).toContain('秒钟后自动重试');
      await page.getByTestId('initial-retry').waitFor();
      await page.getByTestId('login-lang-en').click();
      await progress.filter({ hasText: '30,000 of 48,000 records received' }).waitFor();
      await screenshot(page, 'initial-sync-interrupted.en.png');
      await page.getByTestId('login-lang-zh-CN').click();

      // Done, later refused for an old app version: the shell is back, and the reason is in words.
      tell({
        ...base,
        state: 'offline',
        initial: null,
        pending: 3,
        conflicts: 2,
        lastSyncAt: Date.now() - 3 * 3_600_000,
        lastError: 'SCHEMA_TOO_OLD: client schema 2, server serves 4 and 3',
        lastErrorKey: 'sync.error.appTooOld',
      });
      const alert = page.getByTestId('sync-alert');
      await alert.waitFor();
      expect(await alert.getByTestId('sync-alert-reason').textContent()).toBe('同步失败：应用版本过旧，无法与服务器同步。请升级应用。');
      expect(await alert.getByTestId('sync-alert-retry').count()).toBe(0);
      expect(await page.getByTestId('sync-last').textContent()).toBe('3小时前同步');
      expect(await page.getByTestId('sync-conflicts').textContent()).toBe('2 条冲突');
      expect(await page.getByTestId('nav-conflicts-count').textContent()).toBe('2');
      await page.getByTestId('sync-status').click();
      const details = page.getByTestId('sync-details');
      await details.waitFor();
      expect(await details.getByTestId('sync-details-error').textContent()).toContain('SCHEMA_TOO_OLD');
      await screenshot(page, 'sync-details.error.zh-CN.png');

      // The narrowest window the app supports still fits the whole top bar, in the longer language.
      await page.keyboard.press('Escape');
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.getByTestId('user-menu').click();
      await page.getByTestId('lang-en').click();
      await alert.getByTestId('sync-alert-reason').filter({ hasText: 'Sync failed: This version of the app is too old' }).waitFor();
      const fits = await page.evaluate(() => {
        const bar = document.querySelector('.topbar');
        return bar ? Array.from(bar.querySelectorAll('button')).every((b) => b.getBoundingClientRect().right <= bar.getBoundingClientRect().right) : false;
      });
      expect(fits).toBe(true);
      await screenshot(page, 'topbar-narrow.en.png');
      await page.getByTestId('user-menu').click();
      await page.getByTestId('lang-zh-CN').click();

      // Retry now asks the core for a cycle (this replica has no server, so it says so).
      await alert.getByTestId('sync-retry').click();
      await page.getByTestId('toast').filter({ hasText: '尚未登录同步服务器' }).waitFor();
    },
    TIMEOUT,
  );
});

describe('signing in to a sync server and out again', () => {
  let server: TestServer;
  let host: RunningHost;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await server.addUser('zhangwei', 'sales_rep', '张伟');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-login-'));
    // A device that was used with this server before: the core then asks for a sign-in.
    const first = await startHost({ demo: false, locale: 'zh-CN', dataDir });
    await first.stop({ keepData: true });
    const db = openReplicaFile(dataDir);
    db.prepare("INSERT OR REPLACE INTO replica_meta (key, value) VALUES ('sync.lastServer', ?)").run(server.url);
    db.close();
    host = await startHost({ demo: false, locale: 'zh-CN', dataDir });
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await server?.close();
  }, TIMEOUT);

  it(
    'explains refused sign-ins, shows who is signed in and how sync stands, and asks before dropping unsent changes',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(host.url);

      // Signed out: the sign-in screen, with the server used last time.
      const login = page.getByTestId('login-page');
      await login.waitFor();
      expect(await page.getByTestId('login-server').inputValue()).toBe(server.url);
      expect(await login.textContent()).toContain('登录同步服务器');
      await screenshot(page, 'login.zh-CN.png');

      // Empty fields are named before anything is sent.
      await page.getByTestId('login-submit').click();
      expect(await page.getByTestId('login-error').textContent()).toBe('请填写服务器地址、用户名和密码');

      // A wrong password, then a server that does not answer: each in its own words.
      await page.getByTestId('login-username').fill('zhangwei');
      await page.getByTestId('login-password').fill('not-the-password');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').filter({ hasText: '用户名或密码不正确' }).waitFor();
      expect(await page.getByTestId('login-password').inputValue()).toBe('');
      await screenshot(page, 'login-refused.zh-CN.png');
      await page.getByTestId('login-server').fill('http://127.0.0.1:9');
      await page.getByTestId('login-password').fill(server.users.zhangwei?.password ?? '');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').filter({ hasText: '无法连接同步服务器' }).waitFor();

      // The screen speaks English too.
      await page.getByTestId('login-lang-en').click();
      await login.filter({ hasText: 'Sign in to the sync server' }).waitFor();
      expect(await page.getByTestId('login-error').textContent()).toContain('Cannot reach the sync server');
      await screenshot(page, 'login-unreachable.en.png');
      await page.getByTestId('login-lang-zh-CN').click();

      // The right server: the app opens, signed in as 张伟, online.
      await page.getByTestId('login-server').fill(server.url);
      await page.getByTestId('login-password').fill(server.users.zhangwei?.password ?? '');
      await page.getByTestId('login-submit').click();
      await login.waitFor({ state: 'detached' });
      const status = page.getByTestId('sync-status');
      await page.locator('[data-testid="sync-status"][data-state="online"]').waitFor();
      expect(await page.getByTestId('user-name').textContent()).toBe('张伟');
      await page.getByTestId('sync-last').filter({ hasText: '刚刚同步' }).waitFor();
      await page.getByTestId('user-menu').click();
      const session = page.getByTestId('user-session');
      expect(await session.textContent()).toContain('销售代表');
      expect(await session.textContent()).toContain('zhangwei');
      await page.getByTestId('sign-out').waitFor();
      await screenshot(page, 'user-menu.signed-in.zh-CN.png');
      await page.keyboard.press('Escape');

      // A new account reaches the server; nothing waits.
      await page.getByTestId('empty-create').click();
      const form = page.getByTestId('record-form');
      await form.getByTestId('field-name').fill('杭州云栖科技有限公司');
      await form.getByTestId('form-save').click();
      await page.getByTestId('account-detail').waitFor();
      await page.getByTestId('sync-pending').waitFor({ state: 'detached' });
      // A click on a toast's close button would also close the details: toasts go first.
      await dismissToasts(page);
      await status.click();
      const details = page.getByTestId('sync-details');
      await details.waitFor();
      expect(await details.textContent()).toContain(server.url);
      await screenshot(page, 'sync-details.online.zh-CN.png');
      await page.keyboard.press('Escape');

      // The server goes away: the top bar says offline, the banner says why and when it retries.
      await server.close();
      await page.locator('[data-testid="sync-status"][data-state="offline"]').waitFor({ timeout: 30_000 });
      const alert = page.getByTestId('sync-alert');
      await alert.waitFor();
      expect(await alert.getByTestId('sync-alert-reason').textContent()).toContain('暂时连不上同步服务器');
      await alert.getByTestId('sync-alert-retry').filter({ hasText: '自动重试' }).waitFor();
      await page.getByTestId('edit-record').click();
      await form.getByTestId('field-city').fill('杭州');
      await form.getByTestId('form-save').click();
      await form.waitFor({ state: 'detached' });
      await page.getByTestId('sync-pending').filter({ hasText: '1 项待同步' }).waitFor();
      await screenshot(page, 'sync-offline.zh-CN.png');

      // Retry now: still unreachable, still explained.
      await alert.getByTestId('sync-retry').click();
      await alert.getByTestId('sync-retry').filter({ hasText: '立即重试' }).waitFor();

      // Signing out would drop the unsent edit: the user is asked, and may keep working instead.
      await page.getByTestId('user-menu').click();
      await page.getByTestId('sign-out').click();
      const confirm = page.getByTestId('sign-out-confirm');
      await confirm.waitFor();
      expect(await confirm.getByTestId('sign-out-reason').textContent()).toContain('还有 1 项修改没有发送到服务器');
      expect(await confirm.textContent()).toContain('这些修改将会丢失');
      await screenshot(page, 'sign-out-confirm.zh-CN.png');
      await confirm.getByTestId('confirm-cancel').click();
      await confirm.waitFor({ state: 'detached' });
      expect(await page.getByTestId('user-name').textContent()).toBe('张伟');

      // …or drop it and sign out: back to the sign-in screen, the server still filled in.
      await page.getByTestId('user-menu').click();
      await page.getByTestId('sign-out').click();
      await confirm.waitFor();
      await confirm.getByTestId('confirm-ok').click();
      await login.waitFor();
      expect(await page.getByTestId('login-server').inputValue()).toBe(server.url);
      expect(await page.getByTestId('login-username').inputValue()).toBe('');

      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});
