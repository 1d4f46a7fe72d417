import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sessionFor } from '../../src-server/sync/sync.service';
import type { Mutation } from '../../src-shared/sync/protocol.contract';
import { startTestServer, type TestServer } from '../support/sync-fixture';
import { launchChromium, saveScreenshot, startHost, type RunningHost, openOnline } from './host-process';

/**
 * The customer pool (公海) in Chromium: a rep signed in to a sync server finds a released account
 * in the pool with the admin's rules beside it, claims it, sees when it would return without
 * follow-up, releases it again and is then told the reclaim bar keeps them from claiming it back.
 */
const TIMEOUT = 120_000;

describe('customer pool in the browser', () => {
  let server: TestServer | undefined;
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const admin = await server.addUser('admin', 'admin', '系统管理员');
    const wang = await server.addUser('wangfang', 'sales_rep', '王芳');
    await server.addUser('lijun', 'sales_rep', '李军');
    const sync = server.server.sync;
    const as = async (user: { username: string }, device: string, mutations: Mutation[]) => {
      const session = sessionFor((await server!.server.users.byUsername(user.username))!, device);
      const { results } = await sync.push(session, mutations);
      expect(results.every((r) => r.status === 'applied'), JSON.stringify(results)).toBe(true);
    };
    await as(admin, 'admin-pc', [
      { seq: 1, entity: 'pool_rule', recordId: 'rule-default', op: 'create', changes: { name: '默认规则', returnDays: 30, warnDays: 3, reclaimBarDays: 7, ownerCap: 200, active: true }, base: {} },
      { seq: 2, entity: 'pool_rule', recordId: 'rule-a', op: 'create', changes: { name: 'A 类客户', level: 'A', returnDays: 60, warnDays: 7, active: true }, base: {} },
    ]);
    await as(wang, 'wang-pc', [
      { seq: 1, entity: 'account', recordId: 'acc-pool-1', op: 'create', changes: { name: '苏州明远精工机械有限公司', level: 'A', industry: 'manufacturing', city: '苏州', ownerId: wang.id }, base: {} },
      { seq: 2, entity: 'contact', recordId: 'con-pool-1', op: 'create', changes: { accountId: 'acc-pool-1', name: '周建国', mobile: '13912345678', ownerId: wang.id }, base: {} },
      { seq: 3, entity: 'account', recordId: 'acc-pool-2', op: 'create', changes: { name: '无锡华光电子科技', level: 'B', industry: 'it', city: '无锡', ownerId: wang.id }, base: {} },
      { seq: 4, entity: 'account', recordId: 'acc-pool-1', op: 'update', changes: { poolState: 'pool' }, base: { poolState: 'owned' } },
      { seq: 5, entity: 'account', recordId: 'acc-pool-2', op: 'update', changes: { poolState: 'pool' }, base: { poolState: 'owned' } },
    ]);
    host = await startHost({ demo: false, locale: 'zh-CN', server: server.url, login: { username: 'lijun', password: 'password-1' } });
    browser = await launchChromium();
  }, TIMEOUT);

  afterAll(async () => {
    for (const step of [async () => browser?.close(), async () => host?.stop(), async () => server?.close()]) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  }, TIMEOUT);

  it(
    'claims a pool account, sees when it would return, releases it and may not claim it back yet',
    async () => {
      const page = await openOnline(browser!, host!.url, pageErrors, { width: 1280, height: 860 });
      await page.getByTestId('nav-page-pool').click();
      const rows = page.getByTestId('pool-row');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
      await expect.poll(() => page.getByTestId('pool-count').textContent()).toBe('公海中共 2 个客户');
      const rules = page.getByTestId('pool-rules');
      await expect.poll(() => rules.textContent()).toContain('所有等级：30 天未跟进退回，提前 3 天提醒，原负责人 7 天内不能领回');
      await expect.poll(() => rules.textContent()).toContain('A 高价值：60 天未跟进退回，提前 7 天提醒，原负责人 7 天内不能领回');
      const target = rows.filter({ hasText: '苏州明远精工机械有限公司' });
      await expect.poll(() => target.textContent()).toContain('原负责人 王芳');
      await expect.poll(() => target.textContent()).toContain('主动退回');
      await saveScreenshot(page, 'pool-page.png');

      // 领取: the row leaves the pool and the account is the rep's, on the device at once.
      await target.getByTestId('pool-row-claim').click();
      await expect.poll(() => rows.count()).toBe(1);
      await page.getByTestId('nav-account').click();
      await page.locator('.ag-row', { hasText: '苏州明远精工机械有限公司' }).first().locator('[col-id="city"]').dblclick();
      const card = page.getByTestId('pool-card');
      await card.waitFor();
      await expect.poll(() => card.getByTestId('pool-returns').textContent()).toMatch(/未跟进将退回公海/);
      await page.getByTestId('sync-pending').waitFor({ state: 'detached', timeout: 20_000 });
      const stored = await server!.server.store.get<{ fields: string }>("SELECT fields FROM records WHERE entity = 'account' AND id = 'acc-pool-1'");
      expect(JSON.parse(stored!.fields)).toMatchObject({ poolState: 'owned', ownerId: server!.users.lijun!.id });
      await saveScreenshot(page, 'account-pool-card.png');

      // Released again: in the pool, and the reclaim bar names the day it lifts.
      await card.getByTestId('pool-release').click();
      await page.getByTestId('pool-release-confirm').getByRole('button', { name: '退回公海' }).click();
      await card.locator('.badge-poolState-pool').waitFor();
      await expect.poll(() => card.getByTestId('pool-claim-issue').textContent()).toMatch(/你刚退回这个客户，.* 之后才能重新领取/);
      expect(await card.getByTestId('pool-claim').isDisabled()).toBe(true);
      await saveScreenshot(page, 'account-in-pool.png');
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});
