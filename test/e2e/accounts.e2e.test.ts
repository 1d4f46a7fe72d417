import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, WebSocket } from 'playwright-core';
import { launchChromium, saveScreenshot, startHost, type RunningHost } from './host-process';

/**
 * The Foundation issue end to end, in real Chromium against the browser host on a fresh replica:
 * empty state → first account → its contact → global search by name and by the last four digits
 * of the mobile → edit → delete and undo → English. Every wait is on a selector or an event.
 */
const TIMEOUT = 120_000;

/** Resolves when the page has sent a call matching `matches` over the API socket and got its reply. */
async function callAnswered(socket: WebSocket, matches: (request: { method: string; input: unknown }) => boolean): Promise<void> {
  const sent = await socket.waitForEvent('framesent', {
    predicate: (frame) => {
      const request = JSON.parse(String(frame.payload)) as { method: string; input: unknown };
      return matches(request);
    },
  });
  const { id } = JSON.parse(String(sent.payload)) as { id: number };
  await socket.waitForEvent('framereceived', { predicate: (frame) => (JSON.parse(String(frame.payload)) as { id?: number }).id === id });
}

describe('accounts and contacts in the browser', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    host = await startHost({ demo: false, locale: 'zh-CN' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  }, TIMEOUT);

  it(
    'adds an account and a contact, finds, edits, deletes and restores the contact, then speaks English',
    async () => {
      await page.goto(host.url);

      // A new replica: the empty state explains how to add the first customer.
      const empty = page.getByTestId('empty-state');
      await empty.waitFor();
      expect(await empty.textContent()).toContain('还没有客户');
      expect(await page.getByTestId('sync-status').textContent()).toContain('本地模式');
      expect(await page.getByTestId('user-name').textContent()).not.toBe('');

      // Create the account; a bad phone number is flagged inline, in Chinese, when the field is left.
      await page.getByTestId('empty-create').click();
      const form = page.getByTestId('record-form');
      await form.waitFor();
      await form.getByTestId('field-name').fill('华为技术有限公司');
      await form.getByTestId('field-industry').selectOption('it');
      await form.getByTestId('field-level').selectOption('A');
      await form.getByTestId('field-phone').fill('123');
      await form.getByTestId('field-city').focus();
      await form.getByTestId('field-error-phone').waitFor();
      expect(await form.getByTestId('field-error-phone').textContent()).toContain('电话格式不正确');
      await saveScreenshot(page, 'account-form.zh-CN.png');
      await form.getByTestId('field-phone').fill('0755-28780808');
      await form.getByTestId('field-error-phone').waitFor({ state: 'detached' });
      await form.getByTestId('field-city').fill('深圳');
      // Enter in a single-line input saves.
      await form.getByTestId('field-city').press('Enter');
      await form.waitFor({ state: 'detached' });

      // The new account opens; the pending change shows in the sync area.
      const detail = page.getByTestId('account-detail');
      await detail.waitFor();
      expect(await page.getByTestId('detail-title').textContent()).toBe('华为技术有限公司');
      expect(await page.getByTestId('detail-level').textContent()).toContain('A');
      expect(await page.getByTestId('detail-industry').textContent()).toBe('IT/互联网');
      await page.getByTestId('sync-pending').waitFor();

      // Back in the list the grid shows it; a double-click opens it again.
      await page.getByTestId('back-to-list').click();
      const row = page.locator('.ag-row', { hasText: '华为技术有限公司' }).first();
      await row.waitFor();
      await page.getByTestId('row-count').filter({ hasText: '共 1 个客户' }).waitFor();
      await saveScreenshot(page, 'accounts-list.zh-CN.png');
      await row.locator('[col-id="level"]').dblclick();
      await detail.waitFor();

      // Add the contact from the account page; the account is already chosen.
      await page.getByTestId('add-contact').click();
      await form.waitFor();
      expect(await form.getByTestId('field-accountId').inputValue()).toBe('华为技术有限公司');
      await form.getByTestId('field-name').fill('张伟');
      await form.getByTestId('field-title').fill('采购经理');
      await form.getByTestId('field-decisionRole').selectOption('decision_maker');
      await form.getByTestId('field-mobile').fill('138 1234 5678');
      await form.getByTestId('form-save').click();
      await form.waitFor({ state: 'detached' });
      const contactItem = page.getByTestId('contact-item').filter({ hasText: '张伟' });
      await contactItem.waitFor();
      expect(await contactItem.textContent()).toContain('138 1234 5678');
      await saveScreenshot(page, 'account-detail.zh-CN.png');

      // Global search (Ctrl+K) finds the contact by name…
      await page.keyboard.press('Control+K');
      const palette = page.getByTestId('palette-input');
      await palette.waitFor();
      await palette.fill('张伟');
      await page.getByTestId('palette-hit').filter({ hasText: '张伟' }).first().waitFor();
      await palette.press('Escape');
      await palette.waitFor({ state: 'detached' });

      // …and by the last four digits of the mobile; Enter opens it.
      await page.keyboard.press('Control+K');
      await palette.fill('5678');
      const hit = page.getByTestId('palette-hit').first();
      await hit.filter({ hasText: '张伟' }).waitFor();
      await saveScreenshot(page, 'search.zh-CN.png');
      await palette.press('Enter');
      const contactDetail = page.getByTestId('contact-detail');
      await contactDetail.waitFor();
      expect(await page.getByTestId('detail-title').textContent()).toBe('张伟');

      // Edit the job title.
      await page.getByTestId('edit-record').click();
      await form.waitFor();
      await form.getByTestId('field-title').fill('采购总监');
      await form.getByTestId('form-save').click();
      await form.waitFor({ state: 'detached' });
      await page.getByTestId('detail-job-title').filter({ hasText: '采购总监' }).waitFor();
      await saveScreenshot(page, 'contact-detail.zh-CN.png');

      // Delete: back on the account, the contact is gone and a toast offers Undo.
      await page.getByTestId('delete-record').click();
      await detail.waitFor();
      await page.getByTestId('no-contacts').waitFor();
      const toast = page.getByTestId('toast').filter({ hasText: '已删除联系人“张伟”' });
      await toast.waitFor();
      await toast.getByTestId('toast-action').click();
      await contactItem.waitFor();
      expect(await contactItem.textContent()).toContain('采购总监');
      await page.getByTestId('toast').filter({ hasText: '已恢复联系人“张伟”' }).waitFor();

      // Switch to English: labels change at once, and the choice survives a reload.
      await page.getByTestId('user-menu').click();
      await page.getByTestId('lang-en').click();
      await page.getByTestId('section-basic').filter({ hasText: 'Basics' }).waitFor();
      expect(await page.getByTestId('account-contacts').textContent()).toContain('Contacts');
      expect(await page.getByTestId('section-basic').textContent()).toContain('Account name');
      expect(await page.getByTestId('detail-industry').textContent()).toBe('IT / Internet');
      await saveScreenshot(page, 'account-detail.en.png');

      await page.getByTestId('nav-account').click();
      await page.locator('.ag-header-cell', { hasText: 'Account name' }).waitFor();
      await page.locator('.ag-row', { hasText: '华为技术有限公司' }).first().waitFor();
      await saveScreenshot(page, 'accounts-list.en.png');

      await page.reload();
      await page.locator('.ag-header-cell', { hasText: 'Account name' }).waitFor();
      expect(await page.getByTestId('sync-status').textContent()).toContain('Local only');

      // The form speaks English too, marks a missing name on save, and Esc cancels it.
      await page.getByTestId('create-record').click();
      await form.waitFor();
      await form.getByTestId('form-save').click();
      expect(await form.getByTestId('field-error-name').textContent()).toBe('Required');
      await page.keyboard.press('Escape');
      await form.waitFor({ state: 'detached' });
      await page.getByTestId('row-count').filter({ hasText: 'Accounts: 1' }).waitFor();

      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});

describe('the accounts list with demo data', () => {
  let host: RunningHost;
  let browser: Browser;

  beforeAll(async () => {
    host = await startHost({ demo: true, locale: 'zh-CN' });
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  }, TIMEOUT);

  it(
    'shows hundreds of accounts in Chinese and narrows them with the quick filter',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const socketOpened = page.waitForEvent('websocket');
      await page.goto(host.url);
      const socket = await socketOpened;
      const count = page.getByTestId('row-count');
      await count.filter({ hasText: /共 [\d,]+ 个客户/ }).waitFor();
      const total = Number((await count.textContent())?.replace(/\D/g, ''));
      expect(total).toBeGreaterThanOrEqual(200);
      await page.locator('.ag-row .badge').first().waitFor();
      await saveScreenshot(page, 'accounts-list.demo.zh-CN.png');

      await page.getByTestId('quick-filter').fill('北京');
      await count.filter({ hasText: /筛选出 [\d,]+ 个客户/ }).waitFor();
      const filtered = Number((await count.textContent())?.replace(/\D/g, ''));
      expect(filtered).toBeGreaterThan(0);
      expect(filtered).toBeLessThan(total);

      // The level column's checkbox filter (enum → `in`): only A accounts.
      await page.getByTestId('quick-filter').fill('');
      await count.filter({ hasText: /共 [\d,]+ 个客户/ }).waitFor();
      await page.locator('.ag-header-cell[col-id="level"] .ag-header-cell-filter-button').click();
      const valuesFilter = page.getByTestId('values-filter');
      await valuesFilter.waitFor();
      await valuesFilter.getByText('全选').click();
      await count.filter({ hasText: '筛选出 0 个客户' }).waitFor();
      await valuesFilter.getByText('A 高价值').click();
      await count.filter({ hasText: /筛选出 [1-9][\d,]* 个客户/ }).waitFor();
      await saveScreenshot(page, 'accounts-filter.demo.zh-CN.png');
      const levelA = Number((await count.textContent())?.replace(/\D/g, ''));
      expect(levelA).toBeGreaterThan(0);
      expect(levelA).toBeLessThan(total);
      await page.keyboard.press('Escape');
      const levels = await page.locator('.ag-row [col-id="level"]').allTextContents();
      expect(levels.length).toBeGreaterThan(0);
      expect(levels.every((l) => l === 'A 高价值')).toBe(true);

      // Keyboard: Enter on a focused row opens the account.
      await page.locator('.ag-row [col-id="industry"]').first().click();
      await page.keyboard.press('Enter');
      await page.getByTestId('account-detail').waitFor();
      await page.getByTestId('back-to-list').click();
      // Back in the list the filter is still there.
      await count.filter({ hasText: `筛选出 ${levelA} 个客户` }).waitFor();
      await page.getByTestId('clear-filters').click();
      await count.filter({ hasText: /共 [\d,]+ 个客户/ }).waitFor();

      // Column chooser: show the e-mail column; the layout survives a reload.
      // Saving is debounced: the reload waits until the core has answered the settings.set.
      const saved = callAnswered(socket, (request) => {
        const { key, value } = request.input as { key?: string; value?: { colId: string; hide?: boolean }[] };
        return request.method === 'settings.set' && key === 'grid.account.columns' && value?.some((c) => c.colId === 'email' && !c.hide) === true;
      });
      await page.getByTestId('column-chooser').click();
      await page.locator('.column-chooser label', { hasText: '邮箱' }).click();
      await page.locator('.ag-header-cell[col-id="email"]').waitFor();
      await page.keyboard.press('Escape');
      await saved;
      await page.reload();
      await count.filter({ hasText: /共 [\d,]+ 个客户/ }).waitFor();
      await page.locator('.ag-header-cell[col-id="email"]').waitFor();

      // Contacts show their account's name, looked up for each block of rows.
      await page.getByTestId('nav-contact').click();
      await page.getByTestId('row-count').filter({ hasText: /共 [\d,]+ 位联系人/ }).waitFor();
      await page.locator('.ag-row [col-id="accountId"]', { hasText: /\S/ }).first().waitFor();
      await saveScreenshot(page, 'contacts-list.demo.zh-CN.png');
    },
    TIMEOUT,
  );
});

describe('when the browser host goes away', () => {
  let host: RunningHost;
  let browser: Browser;

  beforeAll(async () => {
    host = await startHost({ demo: false, locale: 'en' });
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  }, TIMEOUT);

  it(
    'shows a banner while disconnected and recovers when the host is back',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(host.url);
      await page.getByTestId('empty-state').waitFor();
      expect(await page.getByTestId('empty-state').textContent()).toContain('No accounts yet');

      const port = Number(new URL(host.url).port);
      await host.stop({ keepData: true });
      const banner = page.getByTestId('disconnected-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('reconnecting');
      await saveScreenshot(page, 'disconnected.en.png');

      host = await startHost({ demo: false, locale: 'en', dataDir: host.dataDir, port });
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
      await page.getByTestId('empty-create').click();
      await page.getByTestId('record-form').waitFor();
    },
    TIMEOUT,
  );
});
