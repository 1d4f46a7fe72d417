import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/sync-fixture';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { launchChromium, screenshotPath, startHost, type RunningHost, dismissToasts } from './host-process';

type SyncedHost = RunningHost;
const startSyncedHost = (server: string, username: string, password: string) => startHost({ demo: false, locale: 'zh-CN', server, login: { username, password } });

/**
 * The sync issue end to end, in real Chromium: two browser hosts (two replicas, two users) against
 * one sync server on SQLite started in this process. Client A (张伟, sales rep) reaches the server
 * through its own TCP proxy, so the test can take A off the network while B (赵敏, sales manager,
 * sees every account) stays online.
 *
 * A creates an account through the UI and B's open list shows it; A goes offline, edits the phone,
 * comes back by itself (the engine's backoff) and B's open detail page shows the new phone; then
 * both edit the city while A is offline, B's value reaches the server first, A's loses, shows in
 * A's conflict inbox with who won, and "use mine" puts A's value on both clients and empties the
 * inbox. No page is ever reloaded; every wait is on page state.
 */
const TIMEOUT = 90_000;
/** `show`: a field to bring into view first, if it is not (the detail page scrolls inside its content area). */
async function screenshot(page: Page, name: string, show?: string): Promise<void> {
  await dismissToasts(page);
  if (show) await page.getByTestId(show).evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath(`two-clients.${name}.png`) });
}

/**
 * Starts watching at once and resolves with the page's own clock (Date.now(), the same clock as
 * this process's) at the first DOM change after which an element matching `selector` contains
 * `text` (or, with `gone`, no element matches `selector` any more): a MutationObserver in the
 * page, so the figure is not rounded up to a polling interval. The promise is marked handled
 * here; awaiting it still throws.
 */
function when(page: Page, selector: string, condition: { text: string } | { gone: true }, timeout = 30_000): Promise<number> {
  const text = 'text' in condition ? condition.text : null;
  const watching = page.evaluate(
    ([sel, expected, ms]) =>
      new Promise<number>((resolve, reject) => {
        const holds = () => {
          const els = Array.from(document.querySelectorAll(sel));
          return expected === null ? els.length === 0 : els.some((el) => (el.textContent ?? '').includes(expected));
        };
        if (holds()) return resolve(Date.now());
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(expected === null ? `${sel} was still there after ${ms} ms` : `"${expected}" did not appear in ${sel} within ${ms} ms`));
        }, ms);
        const observer = new MutationObserver(() => {
          if (!holds()) return;
          const at = Date.now();
          observer.disconnect();
          clearTimeout(timer);
          resolve(at);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      }),
    [selector, text, timeout] as const,
  );
  watching.catch(() => undefined);
  return watching;
}

/** Opens the record form from an account's detail page, sets one field and saves. */
async function editField(page: Page, field: string, value: string): Promise<void> {
  await page.getByTestId('edit-record').click();
  const form = page.getByTestId('record-form');
  await form.waitFor();
  await form.getByTestId(`field-${field}`).fill(value);
  await form.getByTestId('form-save').click();
  await form.waitFor({ state: 'detached' });
}

describe('two clients, two users, one sync server', () => {
  let server: TestServer | undefined;
  let proxy: TcpProxy | undefined;
  const hosts: SyncedHost[] = [];
  let hostA: SyncedHost;
  let hostB: SyncedHost;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  /** Document loads per client: exactly one each proves nothing was ever reloaded. */
  const loads: Record<string, number> = {};

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await server.addUser('zhaomin', 'sales_manager', '赵敏');
    await server.addUser('zhangwei', 'sales_rep', '张伟');
    proxy = await startTcpProxy(Number(new URL(server.url).port));
    // Both hosts start together (each migrates its replica and signs in); both are kept for
    // afterAll even when the other one fails.
    const started = await Promise.allSettled([startSyncedHost(proxy.url, 'zhangwei', 'password-1'), startSyncedHost(server.url, 'zhaomin', 'password-1')]);
    for (const s of started) if (s.status === 'fulfilled') hosts.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    [hostA, hostB] = hosts as [SyncedHost, SyncedHost];
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    // Each step runs even when an earlier one throws.
    const steps: (() => Promise<unknown>)[] = [
      ...contexts.map((c) => () => c.close()),
      async () => browser?.close(),
      ...hosts.map((h) => () => h.stop()),
      async () => proxy?.close(),
      async () => server?.close(),
    ];
    for (const step of steps) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  }, TIMEOUT);

  it(
    'an offline edit reaches the other client without a refresh, and a lost same-field edit is won back with "use mine"',
    async () => {
      if (!browser || !proxy) throw new Error('not started');
      const open = async (host: SyncedHost, who: string): Promise<Page> => {
        const context = await browser!.newContext({ viewport: { width: 1280, height: 1080 } });
        contexts.push(context);
        const page = await context.newPage();
        page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
        page.on('load', () => (loads[who] = (loads[who] ?? 0) + 1));
        await page.goto(host.url);
        return page;
      };
      const [pageA, pageB] = await Promise.all([open(hostA, 'A'), open(hostB, 'B')]);
      const online = (page: Page) => page.locator('[data-testid="sync-status"][data-state="online"]');
      const offline = (page: Page) => page.locator('[data-testid="sync-status"][data-state="offline"]');

      // Both signed in by their hosts, online, on an empty accounts list.
      for (const [page, name] of [
        [pageA, '张伟'],
        [pageB, '赵敏'],
      ] as const) {
        await online(page).waitFor({ timeout: 30_000 });
        await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(name);
        await page.getByTestId('empty-state').waitFor();
      }

      // --- 1. A creates an account through the form; B's open list shows it by itself. ---------
      const accountName = '上海浦江物流有限公司';
      await pageA.getByTestId('empty-create').click();
      const formA = pageA.getByTestId('record-form');
      await formA.waitFor();
      await formA.getByTestId('field-name').fill(accountName);
      await formA.getByTestId('field-industry').selectOption('logistics');
      await formA.getByTestId('field-level').selectOption('A');
      await formA.getByTestId('field-phone').fill('021-62781234');
      await formA.getByTestId('field-city').fill('上海');
      const createdAt = Date.now();
      const bListShows = when(pageB, '.ag-row', { text: accountName });
      await formA.getByTestId('form-save').click();
      await formA.waitFor({ state: 'detached' });
      await pageA.getByTestId('account-detail').waitFor();
      const liveMs = (await bListShows) - createdAt;
      await pageA.getByTestId('sync-pending').waitFor({ state: 'detached' });
      await screenshot(pageA, '1-created.A');
      await pageB.getByTestId('row-count').filter({ hasText: '共 1 个客户' }).waitFor();
      await screenshot(pageB, '1-created-seen-live.B');

      // B opens the account and keeps it open for the rest of the test.
      await pageB.locator('.ag-row', { hasText: accountName }).first().locator('[col-id="level"]').dblclick();
      await pageB.getByTestId('account-detail').waitFor();
      expect(await pageB.getByTestId('detail-title').textContent()).toBe(accountName);
      await pageB.getByTestId('value-phone').filter({ hasText: '021-62781234' }).waitFor();

      // --- 2. A goes offline, edits the phone, comes back; B's open page follows. --------------
      proxy.cut();
      await offline(pageA).waitFor({ timeout: 15_000 });
      const alertA = pageA.getByTestId('sync-alert');
      await alertA.waitFor();
      expect(await alertA.getByTestId('sync-alert-reason').textContent()).toContain('暂时连不上同步服务器');
      await editField(pageA, 'phone', '021-62785678');
      await pageA.getByTestId('value-phone').filter({ hasText: '021-62785678' }).waitFor();
      await pageA.getByTestId('sync-pending').filter({ hasText: '1 项待同步' }).waitFor();
      await offline(pageA).or(pageA.locator('[data-testid="sync-status"][data-state="syncing"]')).waitFor();
      await online(pageB).waitFor();
      expect(await pageB.getByTestId('value-phone').textContent()).toContain('021-62781234');
      await screenshot(pageA, '2-offline-edit-pending.A');
      await screenshot(pageB, '2-while-A-offline.B');

      // Back on the network: no click, the engine's own retry (backoff from 1 s) brings A back.
      const bPhoneShows = when(pageB, '[data-testid="value-phone"]', { text: '021-62785678' }, 45_000);
      const aPushed = when(pageA, '[data-testid="sync-pending"]', { gone: true }, 45_000);
      proxy.restore();
      const restoredAt = Date.now();
      const backMs = (await bPhoneShows) - restoredAt;
      const reconnectMs = (await aPushed) - restoredAt;
      await pageA.getByTestId('sync-pending').waitFor({ state: 'detached' });
      await online(pageA).waitFor();
      await alertA.waitFor({ state: 'detached' });
      await screenshot(pageA, '2-back-online.A');
      await screenshot(pageB, '2-phone-arrived.B');

      // --- 3. Same field, both sides: B's value reaches the server first, A's loses. -----------
      proxy.cut();
      await offline(pageA).waitFor({ timeout: 15_000 });
      await editField(pageA, 'city', '苏州');
      await pageA.getByTestId('value-city').filter({ hasText: '苏州' }).waitFor();
      await pageA.getByTestId('sync-pending').filter({ hasText: '1 项待同步' }).waitFor();
      await editField(pageB, 'city', '杭州');
      await pageB.getByTestId('value-city').filter({ hasText: '杭州' }).waitFor();
      await pageB.getByTestId('sync-pending').waitFor({ state: 'detached' });
      await online(pageB).waitFor();
      await screenshot(pageA, '3-offline-city-suzhou.A', 'value-city');
      await screenshot(pageB, '3-online-city-hangzhou.B', 'value-city');

      // A comes back and its user asks for a sync now from the status pill (always there, unlike
      // the banner's "retry now", which the engine's own retry may take away before the click).
      proxy.restore();
      await pageA.getByTestId('sync-status').click();
      await pageA.getByTestId('sync-now').click();
      await pageA.keyboard.press('Escape');
      await pageA.getByTestId('sync-details').waitFor({ state: 'detached' });
      const badge = pageA.getByTestId('sync-conflicts');
      await badge.filter({ hasText: '1 条冲突' }).waitFor({ timeout: 20_000 });
      await pageA.getByTestId('sync-pending').waitFor({ state: 'detached' });
      // The winning value is what A's replica shows now; A's own value waits in the inbox.
      await pageA.getByTestId('value-city').filter({ hasText: '杭州' }).waitFor();
      await screenshot(pageA, '3-conflict-badge.A', 'value-city');

      await badge.click();
      const inbox = pageA.getByTestId('conflict-inbox');
      await inbox.waitFor();
      await pageA.getByTestId('conflict-count').filter({ hasText: '1 条待处理' }).waitFor();
      const entry = pageA.locator('[data-testid="conflict-entry"][data-kind="field"]');
      await entry.waitFor();
      expect(await entry.count()).toBe(1);
      expect(await pageA.getByTestId('conflict-group').getByTestId('conflict-record-link').textContent()).toBe(accountName);
      const summary = await entry.getByTestId('conflict-summary').textContent();
      expect(summary).toContain('赵敏');
      expect(summary).toContain('“城市”');
      expect(await entry.getByTestId('conflict-mine').textContent()).toBe('苏州');
      expect(await entry.getByTestId('conflict-theirs').textContent()).toBe('杭州');
      expect(await entry.locator('.conflict-side-theirs .conflict-side-label').textContent()).toContain('赵敏');
      const useMine = entry.getByTestId('conflict-action-mine');
      expect(await useMine.textContent()).toBe('使用我的值');
      await screenshot(pageA, '3-conflict-inbox.A');

      // --- 4. "Use mine": A's value wins everywhere; B's open page follows. --------------------
      const bCityShows = when(pageB, '[data-testid="value-city"]', { text: '苏州' });
      const clickedAt = Date.now();
      await useMine.click();
      const useMineMs = (await bCityShows) - clickedAt;
      await pageA.getByTestId('conflict-empty').waitFor();
      await pageA.getByTestId('conflict-count').filter({ hasText: '0 条待处理' }).waitFor();
      await badge.waitFor({ state: 'detached' });
      await pageA.getByTestId('nav-conflicts-count').waitFor({ state: 'detached' });
      await pageA.getByTestId('sync-pending').waitFor({ state: 'detached' });
      await screenshot(pageA, '4-inbox-empty.A');
      await screenshot(pageB, '4-city-suzhou-arrived.B', 'value-city');
      await screenshot(pageB, '4-audit-line-owner.B', 'record-audit');

      // A's own record says 苏州 too; B has nothing to settle.
      await pageA.getByTestId('nav-account').click();
      await pageA.locator('.ag-row', { hasText: accountName }).first().locator('[col-id="level"]').dblclick();
      await pageA.getByTestId('account-detail').waitFor();
      await pageA.getByTestId('value-city').filter({ hasText: '苏州' }).waitFor();
      expect(await pageA.getByTestId('value-phone').textContent()).toContain('021-62785678');
      expect(await pageB.getByTestId('value-phone').textContent()).toContain('021-62785678');
      expect(await pageB.getByTestId('sync-conflicts').count()).toBe(0);
      await screenshot(pageA, '4-final.A', 'value-city');

      console.log(
        `[sync-two-clients] B's list showed A's new account ${liveMs} ms after A's save; ` +
          `B showed A's offline phone edit ${backMs} ms after A's network came back (automatic retry, no click; ` +
          `A's pending count cleared after ${reconnectMs} ms, so ${backMs - reconnectMs} ms from A's push answered to B's page); ` +
          `B showed A's value ${useMineMs} ms after A clicked "use mine"`,
      );
      expect(loads).toEqual({ A: 1, B: 1 });
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});
