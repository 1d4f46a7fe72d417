import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION } from '../../src-shared/sync/protocol.contract';
import { startTestServer, type TestServer } from '../support/sync-fixture';
import { VERSION_HEADERS, login, postJson, request, type Device } from '../support/server-client';
import { dismissToasts, launchChromium, screenshotPath, startHost, type RunningHost, openOnline } from './host-process';

/**
 * The admin screens in Chromium: an administrator signed in to a sync server finds the 管理 group,
 * a user locked by wrong passwords on the users page, unlocks them, and revokes another user's
 * device on the devices page (whose next request is then refused); the sign-ins page lists both
 * actions. A sales rep gets no 管理 group, and the typed-in address says it is for administrators.
 */
const TIMEOUT = 180_000;

describe('admin screens in the browser', () => {
  let server: TestServer | undefined;
  const hosts: RunningHost[] = [];
  let browser: Browser | undefined;
  let wangDevice: Device;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite', { authPolicy: { lockAfter: 3 }, signInLimits: { perAddress: 1000, perUsername: 1000 } });
    await server.addUser('boss', 'admin', '周管理');
    await server.addUser('zhaomin', 'sales_manager', '赵敏');
    for (const [username, name] of [
      ['wangfang', '王芳'],
      ['lijun', '李军'],
    ] as const) {
      await server.server.users.add({ username, password: 'password-1', role: 'sales_rep', name, department: '华东销售部', manager: 'zhaomin' });
    }
    wangDevice = await login(server.url, 'wangfang', 'password-1', '王芳的笔记本');
    await login(server.url, 'lijun', 'password-1', '李军的台式机');
    // 李军 mistypes his password three times: the account locks.
    for (let i = 0; i < 3; i++) {
      const res = await postJson(server.url, '/v1/login', { username: 'lijun', password: `wrong-${i}`, deviceName: 'x', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION });
      expect(res.status).toBe(401);
    }
    expect((await server.server.users.list()).find((u) => u.username === 'lijun')?.lockedAt).not.toBeNull();
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    for (const step of [async () => browser?.close(), ...hosts.map((h) => async () => h.stop()), async () => server?.close()]) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  }, TIMEOUT);

  it(
    'an admin unlocks a locked user and revokes another user’s device',
    async () => {
      const host = await startHost({ demo: false, locale: 'zh-CN', server: server!.url, login: { username: 'boss', password: 'password-1' } });
      hosts.push(host);
      const page = await openOnline(browser!, host.url, pageErrors, { width: 1280, height: 800 });
      const group = page.getByTestId('nav-group-admin');
      await group.waitFor();
      expect(await group.textContent()).toContain('管理');

      // Users: 李军 is locked, with an unlock button; the others are not.
      await page.getByTestId('nav-page-adminUsers').click();
      expect(page.url()).toContain('#/admin/users');
      const li = page.locator('[data-testid="admin-user-row"][data-username="lijun"]');
      await li.waitFor({ timeout: 20_000 });
      expect(await li.getByTestId('admin-user-status').textContent()).toContain('已锁定');
      expect(await li.textContent()).toContain('销售代表');
      expect(await li.textContent()).toContain('赵敏');
      expect(await page.getByTestId('admin-unlock').count()).toBe(1);
      await dismissToasts(page);
      await page.screenshot({ path: screenshotPath('admin-users.png') });

      await li.getByTestId('admin-unlock').click();
      const confirmUnlock = page.getByTestId('admin-unlock-confirm');
      expect(await confirmUnlock.textContent()).toContain('李军');
      await confirmUnlock.getByTestId('confirm-ok').click();
      await confirmUnlock.waitFor({ state: 'detached' });
      await expect.poll(() => li.getByTestId('admin-user-status').textContent(), { timeout: 20_000 }).toContain('正常');
      expect(await page.getByTestId('admin-unlock').count()).toBe(0);
      expect((await login(server!.url, 'lijun', 'password-1', '李军的手机')).token).toBeTruthy();

      // Devices: this one is marked and cannot be revoked; 王芳's laptop can, after a warning.
      await page.getByTestId('nav-page-adminDevices').click();
      const wang = page.locator('[data-testid="admin-device-row"][data-username="wangfang"]');
      await wang.waitFor({ timeout: 20_000 });
      expect(await wang.getByTestId('admin-device-status').textContent()).toBe('在用');
      expect(await page.locator('[data-testid="admin-device-row"][data-username="boss"]').getByTestId('admin-revoke-self').count()).toBe(1);
      await wang.getByTestId('admin-revoke').click();
      const confirmRevoke = page.getByTestId('admin-revoke-confirm');
      expect(await confirmRevoke.textContent()).toContain('王芳的笔记本');
      expect(await confirmRevoke.textContent()).toContain('本地数据副本会被清除');
      await confirmRevoke.getByTestId('confirm-ok').click();
      await confirmRevoke.waitFor({ state: 'detached' });
      await expect.poll(() => wang.getAttribute('data-status'), { timeout: 20_000 }).toBe('revoked');
      expect(await wang.getByTestId('admin-device-status').textContent()).toBe('已吊销');
      expect(await wang.getByTestId('admin-revoke').count()).toBe(0);
      const refused = await request(`${server!.url}/v1/directory`, { headers: { ...VERSION_HEADERS, authorization: `Bearer ${wangDevice.token}` } });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text)).toMatchObject({ code: 'DEVICE_REVOKED' });
      await dismissToasts(page);
      await page.screenshot({ path: screenshotPath('admin-devices.png') });

      // Sign-ins: both actions are there, newest first.
      await page.getByTestId('nav-page-adminLogins').click();
      const rows = page.getByTestId('admin-login-row');
      await rows.first().waitFor({ timeout: 20_000 });
      expect(await rows.first().getAttribute('data-outcome')).toBe('revoke');
      expect(await page.locator('[data-testid="admin-login-row"][data-outcome="unlock"]').count()).toBe(1);
      expect(await page.locator('[data-testid="admin-login-row"][data-outcome="lockout"]').count()).toBe(1);
      await dismissToasts(page);
      await page.screenshot({ path: screenshotPath('admin-logins.png') });
      expect(pageErrors).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'a sales rep has no admin group, and the typed-in address says it is for administrators',
    async () => {
      const host = await startHost({ demo: false, locale: 'zh-CN', server: server!.url, login: { username: 'lijun', password: 'password-1' } });
      hosts.push(host);
      const page = await openOnline(browser!, host.url, pageErrors, { width: 1280, height: 800 });
      await page.getByTestId('nav-account').waitFor();
      expect(await page.getByTestId('nav-group-admin').count()).toBe(0);
      await page.goto(`${host.url.split('#')[0]}#/admin/users`);
      const forbidden = page.getByTestId('admin-forbidden');
      await forbidden.waitFor({ timeout: 20_000 });
      expect(await forbidden.textContent()).toContain('仅限系统管理员');
      expect(await page.getByTestId('admin-users').count()).toBe(0);
      expect(pageErrors).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );
});
