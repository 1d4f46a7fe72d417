import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sessionFor } from '../../src-server/sync/sync.service';
import { startTestServer, type TestServer } from '../support/sync-fixture';
import { dismissToasts, launchChromium, screenshotPath, startHost, type RunningHost, saveScreenshot, openOnline } from './host-process';

/**
 * A record's history in Chromium: a rep signed in to a sync server edits an account twice and
 * finds both changes in its History card, newest first, with who made them, from which device,
 * and each field's old and new value as the page formats them; with the server gone, the card
 * says that history needs a connection.
 */
const TIMEOUT = 120_000;

describe('record history in the browser', () => {
  let server: TestServer | undefined;
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const wang = await server.addUser('wangfang', 'sales_rep', '王芳');
    const session = sessionFor((await server.server.users.byUsername('wangfang'))!, 'wang-seed');
    const { results } = await server.server.sync.push(session, [
      {
        seq: 1,
        entity: 'account',
        recordId: 'acc-history-1',
        op: 'create',
        changes: { name: '杭州西湖数码科技有限公司', level: 'B', industry: 'it', city: '杭州', phone: '0571-88880000', ownerId: wang.id },
        base: {},
      },
    ]);
    expect(results[0]).toMatchObject({ status: 'applied' });
    host = await startHost({ demo: false, locale: 'zh-CN', server: server.url, login: { username: 'wangfang', password: 'password-1' } });
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    for (const step of [async () => browser?.close(), async () => host?.stop(), async () => server?.close()]) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  }, TIMEOUT);

  it(
    'shows both edits of an account with old and new values, and explains that history needs the server when it is gone',
    async () => {
      const page = await openOnline(browser!, host!.url, pageErrors, { width: 1280, height: 900 });
      await page.getByTestId('nav-account').click();
      await page.locator('.ag-row', { hasText: '杭州西湖数码科技有限公司' }).first().locator('[col-id="city"]').dblclick();
      await page.getByTestId('account-detail').waitFor();
      await page.getByTestId('tab-history').click();
      const history = page.getByTestId('record-history');
      const entries = history.getByTestId('history-entry');
      // The create is there from the start.
      await expect.poll(() => entries.count(), { timeout: 20_000 }).toBe(1);

      const form = page.getByTestId('record-form');
      const edit = async (fill: () => Promise<void>) => {
        await page.getByTestId('edit-record').click();
        await form.waitFor();
        await fill();
        await form.getByTestId('form-save').click();
        await form.waitFor({ state: 'detached' });
        await page.getByTestId('sync-pending').waitFor({ state: 'detached', timeout: 20_000 });
      };
      await edit(async () => {
        await form.getByTestId('field-level').selectOption('A');
        await form.getByTestId('field-phone').fill('0571-88881111');
      });
      await expect.poll(() => entries.count(), { timeout: 20_000 }).toBe(2);
      await edit(async () => {
        await form.getByTestId('field-phone').fill('0571-88882222');
      });
      await expect.poll(() => entries.count(), { timeout: 20_000 }).toBe(3);

      // Newest first: the second edit's phone, then the first edit's level and phone.
      const [second, first] = [entries.nth(0), entries.nth(1)];
      expect(await second.getByTestId('history-who').textContent()).toBe('王芳');
      expect(await second.getByTestId('history-device').textContent()).toMatch(/^来自 .+/);
      const phone2 = second.getByTestId('history-field-phone');
      expect(await phone2.getByTestId('history-old').textContent()).toBe('0571-88881111');
      expect(await phone2.getByTestId('history-new').textContent()).toBe('0571-88882222');
      expect(await second.getByTestId('history-field-level').count()).toBe(0);
      const level = first.getByTestId('history-field-level');
      expect(await level.locator('dt').textContent()).toBe('客户分级');
      expect(await level.getByTestId('history-old').textContent()).toBe('B 中价值');
      expect(await level.getByTestId('history-new').textContent()).toBe('A 高价值');
      const phone1 = first.getByTestId('history-field-phone');
      expect(await phone1.getByTestId('history-old').textContent()).toBe('0571-88880000');
      expect(await phone1.getByTestId('history-new').textContent()).toBe('0571-88881111');
      // The create lists the initial values, the owner by name.
      const created = entries.nth(2);
      expect(await created.textContent()).toContain('创建');
      expect(await created.getByTestId('history-field-ownerId').getByTestId('history-new').textContent()).toBe('王芳');
      expect(await created.getByTestId('history-field-ownerId').getByTestId('history-old').count()).toBe(0);

      await history.scrollIntoViewIfNeeded();
      await dismissToasts(page);
      await history.screenshot({ path: screenshotPath('record-history.png') });

      // Without the server the card says why it cannot show history (the record itself stays readable).
      await server!.close();
      server = undefined;
      await page.locator('[data-testid="sync-status"][data-state="offline"]').waitFor({ timeout: 30_000 });
      await history.getByTestId('history-offline').waitFor({ timeout: 20_000 });
      expect(await history.getByTestId('history-offline').textContent()).toContain('需要连接服务器');
      expect(await page.getByTestId('detail-title').textContent()).toBe('杭州西湖数码科技有限公司');
      await history.scrollIntoViewIfNeeded();
      await saveScreenshot(page, 'record-history-offline.png');
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});
