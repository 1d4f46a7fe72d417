import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReplicaFile } from '../support/replica-file';
import { keyFileOrNew } from '../../src-main/core/db/replica-key';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { CoreService } from '../../src-main/core/core.service';
import { WsConnector } from '../../src-main/core/sync/ws-connector';
import { DAY_MS } from '../../src-shared/sales/pipeline.util';
import { MIGRATIONS_DIR } from '../support/core-fixture';
import { launchChromium, saveScreenshot, startHost, type RunningHost } from './host-process';

/**
 * The kanban and the funnel in real Chromium through the browser host, on a replica seeded with the
 * built-in stages and three customers (the setup an administrator and a first sync would give):
 * empty board → opportunities created from the board → a card dragged with the mouse to the next
 * column → a card moved to 输单 with its reason (Escape cancels the first try) → filters. The host
 * is then stopped, older deals are added by the core with a clock set back (so some have sat too
 * long in their stage), and the board and the funnel are checked and photographed.
 */
const TIMEOUT = 180_000;
const STAGES = [
  { code: 'prospecting', name: '初步接洽', kind: 'open', position: 10, probability: 10, limitDays: 14 },
  { code: 'qualification', name: '需求确认', kind: 'open', position: 20, probability: 30, limitDays: 21 },
  { code: 'proposal', name: '方案报价', kind: 'open', position: 30, probability: 60, limitDays: 21 },
  { code: 'negotiation', name: '谈判', kind: 'open', position: 40, probability: 80, limitDays: 30 },
  { code: 'won', name: '赢单', kind: 'won', position: 50, probability: 100 },
  { code: 'lost', name: '输单', kind: 'lost', position: 60, probability: 0 },
] as const;
type StageCode = (typeof STAGES)[number]['code'];

/**
 * Close dates relative to today, so the month filter (which offers the months around today) and
 * the period filter see the same layout whenever the test runs: day `day` of the month `ahead`
 * months from this one.
 */
function closeDay(ahead: number, day: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getFullYear(), now.getMonth() + ahead, day)).toISOString().slice(0, 10);
}
const closeMonth = (ahead: number) => closeDay(ahead, 1).slice(0, 7);
const lastDayOf = (ahead: number) => closeDay(ahead + 1, 0);
/** How the zh-CN board writes a close date: 2026/12/15. */
const zhDate = (day: string) => day.replaceAll('-', '/');

/** Writes through a core of its own while no host runs (the replica has one writer at a time). */
function withCore<T>(dataDir: string, now: () => number, run: (core: CoreService) => T): T {
  // The host's key file: the host and this core open the same encrypted replica.
  const replicaKey = keyFileOrNew(path.join(dataDir, 'replica.key'));
  const core = new CoreService({ dataDir, migrationsDir: MIGRATIONS_DIR, seedDemo: false, osLocale: 'zh-CN', appVersion: '0.0.0-test', replicaKey }, new WsConnector(), { live: false, now });
  try {
    return run(core);
  } finally {
    core.close();
  }
}

/** How far the board is wider than its box (0: every column shows without scrolling sideways). */
function boardOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const board = document.querySelector('[data-testid="pipeline-board"]');
    return board ? board.scrollWidth - board.clientWidth : -1;
  });
}

describe('the pipeline kanban and the funnel in the browser', () => {
  let host: RunningHost | undefined;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-pipeline-'));
  let stageIds: Record<StageCode, string>;

  beforeAll(async () => {
    stageIds = withCore(dataDir, Date.now, (core) => {
      const ids = Object.fromEntries(STAGES.map((s) => [s.code, core.records.create('stage', { ...s }).id])) as Record<StageCode, string>;
      for (const name of ['华为技术有限公司', '比亚迪股份有限公司', '宁德时代新能源科技']) core.records.create('account', { name, level: 'A' });
      return ids;
    });
    host = await startHost({ demo: false, locale: 'zh-CN', dataDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, TIMEOUT);

  const column = (code: StageCode): Locator => page.locator(`[data-testid="pipeline-column"][data-stage-code="${code}"]`);
  const count = (code: StageCode): Locator => column(code).getByTestId('column-count');
  const card = (name: string): Locator => page.getByTestId('pipeline-card').filter({ has: page.getByTestId('pipeline-card-name').getByText(name, { exact: true }) });

  async function createDeal(values: { name: string; account: string; amount: string; close: string; stage?: StageCode }): Promise<void> {
    const form = page.getByTestId('record-form');
    await form.waitFor();
    // The board's first open stage is chosen already (once the stage list has arrived).
    await form.locator(`[data-testid="field-stageId"] option[value="${stageIds.prospecting}"]`).waitFor({ state: 'attached' });
    expect(await form.getByTestId('field-stageId').inputValue()).toBe(stageIds.prospecting);
    await form.getByTestId('field-name').fill(values.name);
    await form.getByTestId('field-accountId').fill(values.account.slice(0, 2));
    await form.getByTestId('ref-option').filter({ hasText: values.account }).first().click();
    if (values.stage) await form.getByTestId('field-stageId').selectOption(stageIds[values.stage]);
    await form.getByTestId('field-amount').fill(values.amount);
    await form.getByTestId('field-expectedCloseDate').fill(values.close);
    await form.getByTestId('form-save').click();
    await form.waitFor({ state: 'detached' });
    await card(values.name).waitFor();
  }

  it(
    'creates deals from the board, drags one to the next stage, moves one to 输单 with a reason, and filters',
    async () => {
      if (!host) throw new Error('the host did not start');
      await page.goto(`${host.url}#/pipeline`);

      // A new pipeline: the empty state says what to do next.
      const empty = page.getByTestId('pipeline-empty');
      await empty.waitFor();
      expect(await empty.textContent()).toContain('还没有商机');
      await page.getByTestId('pipeline-empty-create').click();
      await createDeal({ name: '华为云服务器扩容', account: '华为技术有限公司', amount: '1280000', close: closeDay(1, 15) });
      await page.getByTestId('pipeline-create').click();
      await createDeal({ name: '比亚迪电池检测设备', account: '比亚迪股份有限公司', amount: '560000.50', close: closeDay(0, 28), stage: 'qualification' });
      await page.getByTestId('pipeline-create').click();
      await createDeal({ name: '宁德时代储能项目', account: '宁德时代新能源科技', amount: '880000', close: closeDay(2, 20) });

      expect(await page.locator('[data-testid="pipeline-column"] h2').allTextContents()).toEqual(['初步接洽', '需求确认', '方案报价', '谈判', '赢单', '输单']);
      await count('prospecting').filter({ hasText: /^2$/ }).waitFor();
      expect(await count('qualification').textContent()).toBe('1');
      expect(await column('prospecting').getByTestId('column-total').textContent()).toBe('¥2,160,000.00');
      expect(await column('prospecting').getByTestId('column-weighted').textContent()).toBe('加权 ¥216,000.00');
      const huawei = card('华为云服务器扩容');
      expect(await huawei.textContent()).toContain('华为技术有限公司');
      expect(await huawei.textContent()).toContain('¥1,280,000.00');
      expect(await huawei.textContent()).toContain(zhDate(closeDay(1, 15)));
      expect(await huawei.getByTestId('card-age').textContent()).toBe('停留 0 天');

      // Drag with the mouse from 初步接洽 to 需求确认: the counts follow, and the stage is stored.
      await huawei.dragTo(column('qualification').locator('.pipeline-column-body'));
      await count('qualification').filter({ hasText: /^2$/ }).waitFor();
      expect(await count('prospecting').textContent()).toBe('1');
      await column('qualification').getByTestId('pipeline-card').filter({ hasText: '华为云服务器扩容' }).waitFor();
      await page.getByTestId('toast').filter({ hasText: '已将“华为云服务器扩容”移到“需求确认”' }).waitFor();
      await card('华为云服务器扩容').getByTestId('pipeline-card-name').click();
      await page.getByTestId('opportunity-detail').waitFor();
      await page.getByTestId('value-stageId').filter({ hasText: '需求确认' }).waitFor();
      await page.goBack();
      await page.getByTestId('pipeline-board').waitFor();

      // The card menu (keyboard and mouse alternative to dragging) into 输单 asks for the reason; Escape cancels.
      const ningde = card('宁德时代储能项目');
      await ningde.getByTestId('pipeline-move').selectOption(stageIds.lost);
      const dialog = page.getByTestId('lost-reason-dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('把“宁德时代储能项目”移到“输单”需要填写输单原因');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await count('prospecting').textContent()).toBe('1');
      expect(await count('lost').textContent()).toBe('0');

      // Dragged into 输单: the reason is required, then the move is stored with it.
      await ningde.dragTo(column('lost').locator('.pipeline-column-body'));
      await dialog.waitFor();
      await dialog.getByTestId('lost-reason-confirm').click();
      expect(await dialog.getByTestId('lost-reason-error').textContent()).toBe('请填写输单原因');
      await saveScreenshot(page, 'pipeline-lost-reason.png');
      await dialog.getByTestId('lost-reason-input').fill('客户选择了竞争对手的方案');
      await dialog.getByTestId('lost-reason-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await count('lost').filter({ hasText: /^1$/ }).waitFor();
      expect(await count('prospecting').textContent()).toBe('0');
      expect(await column('lost').getByTestId('pipeline-card').textContent()).toContain('客户选择了竞争对手的方案');

      // Filters: this month keeps one deal, last month none; "mine" keeps all three (this replica's user made them).
      await page.getByTestId('pipeline-close-month').selectOption(closeMonth(0));
      await page.getByTestId('pipeline-count').filter({ hasText: '筛选出 1 个商机' }).waitFor();
      expect(await page.getByTestId('pipeline-card').count()).toBe(1);
      await page.getByTestId('pipeline-close-month').selectOption(closeMonth(-1));
      await page.getByTestId('pipeline-no-matches').waitFor();
      await page.getByTestId('pipeline-clear-filters').click();
      await page.getByTestId('pipeline-count').filter({ hasText: '共 3 个商机' }).waitFor();
      await page.getByTestId('pipeline-owner').selectOption('mine');
      await page.getByTestId('pipeline-count').filter({ hasText: '筛选出 3 个商机' }).waitFor();
      await page.getByTestId('pipeline-owner').selectOption('all');
      await page.getByTestId('pipeline-count').filter({ hasText: '共 3 个商机' }).waitFor();
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'shows deals that sat too long on the board and in the funnel, with won and lost beside it',
    async () => {
      if (!host) throw new Error('the host did not start');
      await host.stop({ keepData: true });
      host = undefined;

      // What the browser wrote is stored: the dragged deal's stage, the lost deal's status and reason.
      const db = openReplicaFile(dataDir, { readonly: true });
      try {
        const stored = (name: string) => db.prepare('SELECT stage_id AS stageId, status, lost_reason AS lostReason FROM opportunities WHERE name = ? AND deleted_at IS NULL').get(name);
        expect(stored('华为云服务器扩容')).toEqual({ stageId: stageIds.qualification, status: 'open', lostReason: null });
        expect(stored('宁德时代储能项目')).toEqual({ stageId: stageIds.lost, status: 'lost', lostReason: '客户选择了竞争对手的方案' });
        // Local writes (three creates, two moves) wait in the outbox for the next sync.
        const pending = db.prepare(`SELECT op, count(*) AS n FROM outbox WHERE entity = 'opportunity' GROUP BY op ORDER BY op`).all();
        expect(pending).toEqual([
          { op: 'create', n: 3 },
          { op: 'update', n: 2 },
        ]);
      } finally {
        db.close();
      }

      // Older deals, written by the core: each entered its stage some days ago (the core's own
      // workflows may set the system field stageChangedAt; a form may not).
      const older: { name: string; account: string; stage: StageCode; amount: number; close: string; days: number; currency?: string; lostReason?: string }[] = [
        { name: '华为园区网络改造', account: '华为技术有限公司', stage: 'prospecting', amount: 3_600_000_00, close: closeDay(1, 20), days: 40 },
        { name: '比亚迪产线MES升级', account: '比亚迪股份有限公司', stage: 'prospecting', amount: 960_000_00, close: closeDay(1, 28), days: 19 },
        { name: '宁德时代海外仓储系统', account: '宁德时代新能源科技', stage: 'proposal', amount: 125_000_00, currency: 'USD', close: closeDay(3, 10), days: 9 },
        { name: '华为年度维保续约', account: '华为技术有限公司', stage: 'negotiation', amount: 420_000_00, close: closeDay(1, 5), days: 45 },
        { name: '比亚迪办公终端采购', account: '比亚迪股份有限公司', stage: 'won', amount: 730_000_00, close: closeDay(-1, 28), days: 12 },
        { name: '宁德时代培训服务', account: '宁德时代新能源科技', stage: 'lost', amount: 86_000_00, close: closeDay(-1, 15), days: 20, lostReason: '预算取消' },
      ];
      withCore(dataDir, Date.now, (core) => {
        const accounts = new Map(core.records.list({ entity: 'account', offset: 0, limit: 10, sort: [], filters: [], withTotal: false }).rows.map((a) => [String(a.name), a.id]));
        for (const deal of older) {
          const { id } = core.records.create('opportunity', {
            name: deal.name,
            accountId: accounts.get(deal.account),
            stageId: stageIds[deal.stage],
            amount: deal.amount,
            currency: deal.currency ?? 'CNY',
            expectedCloseDate: deal.close,
            ...(deal.lostReason ? { lostReason: deal.lostReason } : {}),
          });
          // Half a day past the whole days, so the day counts cannot flip while the test runs.
          core.records.update('opportunity', id, { stageChangedAt: Date.now() - deal.days * DAY_MS - DAY_MS / 2 }, { allowSystem: true });
        }
      });

      host = await startHost({ demo: false, locale: 'zh-CN', dataDir });
      await page.goto(`${host.url}#/pipeline`);
      await page.getByTestId('pipeline-board').waitFor();
      await page.getByTestId('pipeline-count').filter({ hasText: '共 9 个商机' }).waitFor();
      expect(await count('prospecting').textContent()).toBe('2');
      // 40 days in 初步接洽 (limit 14) is 26 over; 19 days is 5 over; 45 days in 谈判 (limit 30) is 15 over.
      expect(await card('华为园区网络改造').getByTestId('card-overdue').textContent()).toBe('超期 26 天');
      expect(await card('比亚迪产线MES升级').getByTestId('card-overdue').textContent()).toBe('超期 5 天');
      expect(await card('华为年度维保续约').getByTestId('card-overdue').textContent()).toBe('超期 15 天');
      expect(await card('宁德时代海外仓储系统').getByTestId('card-age').textContent()).toBe('停留 9 天');
      expect(await column('proposal').getByTestId('column-total').textContent()).toBe('US$125,000.00');
      // Nothing spills out of the window: the six columns fit side by side at this width.
      expect(await boardOverflow(page)).toBe(0);
      await saveScreenshot(page, 'pipeline-kanban.png');

      // The funnel: the four open stages in order, won and lost beside it, the stalled deals listed.
      await page.getByTestId('nav-page-funnel').click();
      const funnel = page.getByTestId('funnel-page');
      await funnel.getByTestId('funnel-chart').waitFor();
      const layers = funnel.getByTestId('funnel-stage');
      expect(await layers.locator('.funnel-info-name > span:first-child').allTextContents()).toEqual(['初步接洽', '需求确认', '方案报价', '谈判']);
      expect(await layers.getByTestId('funnel-stage-count').allTextContents()).toEqual(['2', '2', '1', '1']);
      expect(await layers.nth(0).getByTestId('funnel-stage-amount').textContent()).toBe('¥4,560,000.00');
      expect(await layers.nth(0).getByTestId('funnel-stage-weighted').textContent()).toBe('¥456,000.00');
      expect(await layers.nth(0).getByTestId('funnel-stage-stalled').textContent()).toBe('2 个停留过久');
      expect(await funnel.getByTestId('funnel-won-count').textContent()).toBe('1 个');
      expect(await funnel.getByTestId('funnel-lost-count').textContent()).toBe('2 个');
      expect(await funnel.getByTestId('funnel-won').textContent()).toContain('赢单率 33%');
      expect(await funnel.getByTestId('funnel-stalled-count').textContent()).toBe('3');
      const stalled = funnel.getByTestId('stalled-row');
      expect(await stalled.getByTestId('stalled-link').allTextContents()).toEqual(['华为园区网络改造', '华为年度维保续约', '比亚迪产线MES升级']);
      expect(await stalled.nth(0).getByTestId('stalled-over').textContent()).toBe('26 天');
      await saveScreenshot(page, 'funnel.png');

      // The period filter (next month) narrows the funnel; a stalled deal's link opens it.
      await funnel.getByTestId('funnel-close-from').fill(closeDay(1, 1));
      await funnel.getByTestId('funnel-close-to').fill(lastDayOf(1));
      // 方案报价's only deal closes in three months: its layer empties once both dates apply.
      await layers.nth(2).getByTestId('funnel-stage-count').filter({ hasText: /^0$/ }).waitFor();
      expect(await layers.getByTestId('funnel-stage-count').allTextContents()).toEqual(['2', '1', '0', '1']);
      expect(await funnel.getByTestId('funnel-won-count').textContent()).toBe('0 个');
      expect(await funnel.getByTestId('funnel-stalled-count').textContent()).toBe('3');
      await stalled.getByTestId('stalled-link').first().click();
      await page.getByTestId('opportunity-detail').waitFor();
      expect(await page.getByTestId('detail-title').textContent()).toBe('华为园区网络改造');

      // In English the same views speak English.
      await page.getByTestId('user-menu').click();
      await page.getByTestId('lang-en').click();
      await page.getByTestId('nav-page-funnel').click();
      await page.getByTestId('funnel-page').getByText('Stalled opportunities').waitFor();
      expect(await layers.locator('.funnel-info-name > span:first-child').allTextContents()).toEqual(['Prospecting', 'Qualification', 'Proposal', 'Negotiation']);
      await saveScreenshot(page, 'funnel.en.png');
      await page.getByTestId('nav-page-pipeline').click();
      await page.getByTestId('pipeline-board').waitFor();
      expect(await card('华为园区网络改造').getByTestId('card-overdue').textContent()).toBe('26 d overdue');
      expect(await boardOverflow(page)).toBe(0);
      await saveScreenshot(page, 'pipeline-kanban.en.png');
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});

