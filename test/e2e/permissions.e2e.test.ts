import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bumpOrgVersion } from '../../src-server/auth/org.store';
import { sessionFor } from '../../src-server/sync/sync.service';
import { defaultRole, type Role } from '../../src-shared/permissions/access';
import { zhCN } from '../../src-shared/i18n/zh-CN';
import { routeToHash } from '../../src-renderer/state/routes';
import { startTestServer, type TestServer } from '../support/sync-fixture';
import { launchChromium, openOnline, saveScreenshot, startHost, type RunningHost } from './host-process';

/**
 * A sales rep's screens under a role an administrator limited: the e-mail of accounts hidden (no
 * grid column, none in the column chooser, no form field, not on the record page), the phone
 * read-only (a disabled input that says so), no deleting accounts, no tasks at all (not in the
 * sidebar). When the administrator puts the role back, the next sync brings it all back on the
 * open page, without a reload.
 */
const TIMEOUT = 180_000;
const ACCOUNT = '0190b000-0000-7000-8000-000000000001';

describe('permissions in the browser', () => {
  let server: TestServer | undefined;
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];

  /** What saving a role on the admin screen does on the server. */
  async function setRole(role: Role | null): Promise<void> {
    const store = server!.server.store;
    await store.tx(async (q) => {
      await q.run("DELETE FROM roles WHERE code = 'sales_rep'");
      if (role) {
        const { name, admin, pool, entities, fields } = role;
        await q.run("INSERT INTO roles (code, definition, updated_at) VALUES ('sales_rep', ?, ?)", [JSON.stringify({ name, admin, pool, entities, fields }), Date.now()]);
      }
      await bumpOrgVersion(q, store);
    });
  }

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await server.addUser('wangfang', 'sales_rep', '王芳');
    const user = (await server.server.users.byUsername('wangfang'))!;
    const { deviceId } = await server.server.users.registerDevice(user.id, 'seed');
    const { results } = await server.server.sync.push(sessionFor(user, deviceId), [
      { seq: 1, entity: 'account', recordId: ACCOUNT, op: 'create', changes: { name: '华为技术有限公司', email: 'ceo@secretmail.cn', phone: '0755-28780808', city: '深圳' }, base: {} },
    ]);
    expect(results[0]?.status).toBe('applied');
    const rep = defaultRole('sales_rep');
    await setRole({
      ...rep,
      // A built-in role's entities it leaves out take their defaults: no actions is how it has none.
      entities: { ...rep.entities, task: { actions: [], scope: 'own' }, account: { actions: ['create', 'read', 'update', 'export', 'assign'], scope: 'own' } },
      fields: { account: { email: 'hidden', phone: 'readonly' } },
    });
    browser = await launchChromium();
    host = await startHost({ demo: false, locale: 'zh-CN', server: server.url, login: { username: 'wangfang', password: 'password-1' } });
  }, TIMEOUT);

  afterAll(async () => {
    for (const step of [async () => browser?.close(), async () => host?.stop(), async () => server?.close()]) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  }, TIMEOUT);

  const headers = (page: Page) => page.locator('.ag-header-cell-text').allTextContents();

  it(
    'hides what the role hides, locks what it makes read-only, and follows the role when it changes',
    async () => {
      const page = await openOnline(browser!, host!.url, pageErrors, { width: 1280, height: 860 });
      // No tasks for this role: neither the module nor my tasks.
      await page.getByTestId('nav-account').waitFor();
      expect(await page.getByTestId('nav-task').count()).toBe(0);
      expect(await page.getByTestId('nav-page-myTasks').count()).toBe(0);
      expect(await page.getByTestId('nav-activity').count()).toBe(1);

      // The list: no e-mail column, and the column chooser does not offer one.
      await page.getByTestId('nav-account').click();
      await page.locator('.ag-row').first().waitFor({ timeout: 20_000 });
      expect(await headers(page)).toContain(zhCN['field.account.phone']);
      expect(await headers(page)).not.toContain(zhCN['field.account.email']);
      await page.getByTestId('column-chooser').click();
      const offered = await page.locator('.column-chooser-list label').allTextContents();
      expect(offered).toContain(zhCN['field.account.city']);
      expect(offered).not.toContain(zhCN['field.account.email']);
      await page.getByTestId('column-chooser').click();

      // A new account: no e-mail field, the phone locked with the reason.
      await page.getByTestId('create-record').click();
      const form = page.getByTestId('record-form');
      await form.waitFor();
      expect(await form.getByTestId('field-email').count()).toBe(0);
      expect(await form.getByTestId('field-phone').isDisabled()).toBe(true);
      const note = form.getByTestId('readonly-phone');
      expect(await note.textContent()).toBe('只读');
      expect(await note.getAttribute('title')).toBe(zhCN['permission.readonlyHint']);
      expect(await form.getByTestId('field-name').isEnabled()).toBe(true);
      await form.getByTestId('field-name').fill('比亚迪股份有限公司');
      await saveScreenshot(page, 'permissions-form.png');
      await form.getByTestId('form-save').click();
      await page.getByTestId('account-detail').waitFor({ timeout: 20_000 });

      // The record page of the seeded account: no e-mail, editing but no deleting.
      await page.evaluate((hash) => (location.hash = hash), routeToHash({ view: 'detail', entity: 'account', id: ACCOUNT }));
      const detail = page.getByTestId('account-detail');
      await detail.waitFor({ timeout: 20_000 });
      await page.getByTestId('value-phone').waitFor();
      expect(await page.getByTestId('value-email').count()).toBe(0);
      expect(await page.getByTestId('edit-record').count()).toBe(1);
      expect(await page.getByTestId('delete-record').count()).toBe(0);
      await saveScreenshot(page, 'permissions-detail.png');

      // The administrator puts the role back; the next sync brings the field and the actions back.
      await setRole(null);
      await page.getByTestId('sync-status').click();
      await page.getByTestId('sync-now').click();
      await page.getByTestId('value-email').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('value-email').textContent()).toContain('ceo@secretmail.cn');
      await page.getByTestId('delete-record').waitFor();
      await page.getByTestId('nav-task').waitFor();
      await page.getByTestId('nav-page-myTasks').waitFor();
      expect(pageErrors).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );
});
