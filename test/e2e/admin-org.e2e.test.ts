import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadRoles } from '../../src-server/auth/org.store';
import { startTestServer, type TestServer } from '../support/sync-fixture';
import { launchChromium, openOnline, saveScreenshot, startHost, type RunningHost } from './host-process';

/**
 * The organisation's admin screens in Chromium: an administrator builds a department tree from the
 * empty state (new, add child, rename, move through the parent picker, which leaves out the
 * department's own subtree), puts a rep into a department with a second role on the users page,
 * and changes the sales rep role: an action and a data scope in the matrix, a field read-only and
 * another hidden on the field-permissions tab (the title field cannot be hidden). The server
 * holds each change.
 */
const TIMEOUT = 240_000;

describe('organisation admin screens in the browser', () => {
  let server: TestServer | undefined;
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await server.addUser('boss', 'admin', '周管理');
    await server.addUser('zhaomin', 'sales_manager', '赵敏');
    await server.server.users.add({ username: 'wangfang', password: 'password-1', role: 'sales_rep', name: '王芳', manager: 'zhaomin' });
    browser = await launchChromium();
    host = await startHost({ demo: false, locale: 'zh-CN', server: server.url, login: { username: 'boss', password: 'password-1' } });
  }, TIMEOUT);

  afterAll(async () => {
    for (const step of [async () => browser?.close(), async () => host?.stop(), async () => server?.close()]) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  }, TIMEOUT);

  const departments = async () => server!.server.store.all<{ id: string; name: string; parent_id: string | null }>('SELECT id, name, parent_id FROM departments');
  const idOf = async (name: string) => (await departments()).find((d) => d.name === name)!.id;
  const row = (page: Page, name: string) => page.locator(`[data-testid="admin-dept-row"][data-name="${name}"]`);

  async function saveDepartment(page: Page, fill: { name?: string; parent?: string | null }) {
    const dialog = page.getByTestId('admin-dept-dialog');
    await dialog.waitFor();
    if (fill.name !== undefined) await dialog.getByTestId('admin-dept-name').fill(fill.name);
    if (fill.parent !== undefined) await dialog.getByTestId('admin-dept-parent').selectOption(fill.parent === null ? '' : await idOf(fill.parent));
    await dialog.getByTestId('admin-dept-save').click();
    await dialog.waitFor({ state: 'detached', timeout: 20_000 });
  }

  it(
    'an admin builds a department tree, places a user in it and limits the sales rep role’s fields',
    async () => {
      const page = await openOnline(browser!, host!.url, pageErrors, { width: 1280, height: 860 });
      const group = page.getByTestId('nav-group-admin');
      await group.waitFor();
      expect(await group.textContent()).toContain('部门');
      expect(await group.textContent()).toContain('角色与权限');

      // 部门: empty at first, saying what to do.
      await page.getByTestId('nav-page-adminDepartments').click();
      expect(page.url()).toContain('#/admin/departments');
      const empty = page.getByTestId('admin-dept-empty');
      await empty.waitFor({ timeout: 20_000 });
      expect(await empty.textContent()).toContain('还没有部门');
      await saveScreenshot(page, 'admin-departments-empty.png');

      await page.getByTestId('admin-dept-new').click();
      await saveDepartment(page, { name: '销售部' });
      await row(page, '销售部').waitFor({ timeout: 20_000 });
      for (const name of ['华东区', '华北区']) {
        await row(page, '销售部').getByTestId('admin-dept-add-child').click();
        expect(await page.getByTestId('admin-dept-dialog').textContent()).toContain('在“销售部”下新建部门');
        await saveDepartment(page, { name });
        await row(page, name).waitFor({ timeout: 20_000 });
      }
      await page.getByTestId('admin-dept-new').click();
      await saveDepartment(page, { name: '客服部' });
      await row(page, '客服部').waitFor({ timeout: 20_000 });
      // Rename 华北区, then move it under 客服部 with the parent picker.
      await row(page, '华北区').getByTestId('admin-dept-rename').click();
      await saveDepartment(page, { name: '华北大区' });
      await row(page, '华北大区').waitFor({ timeout: 20_000 });
      await row(page, '华北大区').getByTestId('admin-dept-move').click();
      await saveDepartment(page, { parent: '客服部' });
      await expect.poll(() => row(page, '华北大区').getAttribute('data-depth'), { timeout: 20_000 }).toBe('1');
      // The tree: 销售部 > 华东区, 客服部 > 华北大区 (rows in reading order).
      const names = await page.getByTestId('admin-dept-row').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-depth')}:${r.getAttribute('data-name')}`));
      expect(names).toEqual(['0:客服部', '1:华北大区', '0:销售部', '1:华东区']);
      const stored = await departments();
      const byName = new Map(stored.map((d) => [d.name, d]));
      expect(byName.get('华北大区')?.parent_id).toBe(byName.get('客服部')?.id);
      expect(byName.get('华东区')?.parent_id).toBe(byName.get('销售部')?.id);
      // Moving 销售部: its own subtree is not offered as a parent.
      await row(page, '销售部').getByTestId('admin-dept-move').click();
      const options = await page.getByTestId('admin-dept-parent').locator('option').allTextContents();
      expect(options.map((o) => o.trim())).toEqual(['（顶级部门，直属全公司）', '客服部', '华北大区']);
      await page.getByTestId('admin-dept-dialog').getByRole('button', { name: '取消' }).click();
      // A department with children cannot be deleted.
      expect(await row(page, '销售部').getByTestId('admin-dept-delete').isDisabled()).toBe(true);

      // 用户: 王芳 into 华东区, with a second role.
      await page.getByTestId('nav-page-adminUsers').click();
      const wang = page.locator('[data-testid="admin-user-row"][data-username="wangfang"]');
      await wang.waitFor({ timeout: 20_000 });
      await wang.getByTestId('admin-user-edit').click();
      const dialog = page.getByTestId('admin-user-dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('编辑用户“王芳”');
      await dialog.getByTestId('admin-user-department').selectOption(await idOf('华东区'));
      // The manager picker offers neither 王芳 herself.
      const managers = await dialog.getByTestId('admin-user-manager').locator('option').allTextContents();
      expect(managers.some((m) => m.includes('wangfang'))).toBe(false);
      await dialog.locator('[data-code="marketing"] input').check();
      await saveScreenshot(page, 'admin-user-edit.png');
      await dialog.getByTestId('admin-user-save').click();
      await dialog.waitFor({ state: 'detached', timeout: 20_000 });
      await expect.poll(() => wang.getByTestId('admin-user-department-cell').textContent(), { timeout: 20_000 }).toBe('销售部 / 华东区');
      expect(await wang.getByTestId('admin-user-roles-cell').textContent()).toBe('销售代表、市场专员');
      expect(await server!.server.users.byUsername('wangfang')).toMatchObject({ department: await idOf('华东区'), roles: ['sales_rep', 'marketing'] });

      // Back on 部门: the counts.
      await page.getByTestId('nav-page-adminDepartments').click();
      await expect.poll(() => row(page, '华东区').getByTestId('admin-dept-users').textContent(), { timeout: 20_000 }).toBe('1 人');
      expect(await row(page, '销售部').textContent()).toContain('含下级共 1 人');
      await saveScreenshot(page, 'admin-departments.png');

      // 角色与权限: sales_rep loses delete on accounts, sees contacts of their reports.
      await page.getByTestId('nav-page-adminRoles').click();
      await page.locator('[data-testid="admin-role-item"][data-code="sales_rep"]').click();
      const editor = page.locator('[data-testid="admin-role-editor"][data-code="sales_rep"]');
      await editor.waitFor({ timeout: 20_000 });
      expect(await editor.getByTestId('perm-account-delete').isChecked()).toBe(true);
      await editor.getByTestId('perm-account-delete').uncheck();
      await editor.getByTestId('scope-contact').selectOption('own_sub');
      expect(await editor.getByTestId('admin-role-save').isEnabled()).toBe(true);
      expect(await editor.textContent()).toContain('有未保存的修改');
      await saveScreenshot(page, 'admin-role-matrix.png');

      // 字段权限: account phone read-only, e-mail hidden; the name cannot be hidden.
      await editor.getByTestId('admin-role-tab-fields').click();
      await editor.locator('[data-testid="admin-role-field-entity"][data-entity="account"]').click();
      const field = (name: string) => editor.locator(`[data-testid="admin-role-field"][data-field="${name}"]`);
      await field('phone').getByTestId('level-readonly').click();
      await field('email').getByTestId('level-hidden').click();
      expect(await field('phone').getAttribute('data-level')).toBe('readonly');
      expect(await field('email').getAttribute('data-level')).toBe('hidden');
      expect(await field('name').getByTestId('level-hidden').isDisabled()).toBe(true);
      expect(await editor.locator('[data-testid="admin-role-field-entity"][data-entity="account"]').textContent()).toContain('2 个受限');
      // From the top of the page: the role, its flags and the tabs above the fields.
      await page.evaluate(() => document.querySelector('.content')?.scrollTo(0, 0));
      await saveScreenshot(page, 'admin-role-fields.png');

      await editor.getByTestId('admin-role-save').click();
      await expect.poll(() => page.locator('[data-testid="admin-role-item"][data-code="sales_rep"]').textContent(), { timeout: 20_000 }).toContain('已修改');
      const rep = (await loadRoles(server!.server.store)).find((r) => r.code === 'sales_rep')!;
      expect(rep.fields.account).toEqual({ phone: 'readonly', email: 'hidden' });
      expect(rep.entities.account?.actions).not.toContain('delete');
      expect(rep.entities.contact?.scope).toBe('own_sub');
      expect(await editor.getByTestId('admin-role-save').isDisabled()).toBe(true);
      expect(pageErrors).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );
});
