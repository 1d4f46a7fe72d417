import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { sessionFor } from '../../src-server/sync/sync.service';
import type { Mutation } from '../../src-shared/sync/protocol.contract';
import { startTestServer, type TestServer } from '../support/sync-fixture';
import { launchChromium, screenshotPath, startHost, type RunningHost, dismissToasts } from './host-process';

/**
 * The whole sales flow in Chromium, through the UI as a sales rep does it, on a browser host
 * signed in to a sync server (SQLite, in this process) that assigns the numbers:
 * lead → 转化 into account + contact + opportunity → the deal dragged across the kanban to 谈判 →
 * a quote with two product lines (one discounted) and its print view with the amount in capital
 * numerals → an order from the quote (account and lines carried), moved 待审核 → 已审核 → 已发货 →
 * a contract from the order (amount carried) → two payment instalments and a payment against each
 * (amounts carried) until nothing is outstanding. The products are the manager's, pushed to the
 * server beforehand (a rep may not write products). At the end nothing is pending and the server
 * holds every record with its server number. Every wait is on a selector, a poll or an event.
 */
const TIMEOUT = 240_000;
/** Round trips through the sync server: a push, the server's numbers pulled back. */
const SYNC_MS = 30_000;
const VIEWPORT = { width: 1600, height: 1000 };

const PRODUCTS = [
  { id: 'prod-ipc-610h', code: 'IPC-610H', name: '工业控制计算机', spec: '酷睿 i7，16 GB 内存', unit: '台', listPrice: 2_860_000, category: '硬件' },
  { id: 'prod-sv-1500', code: 'SV-1500', name: '伺服驱动系统', spec: '1.5 kW，380 V', unit: '套', listPrice: 960_000, category: '硬件' },
] as const;

const LEAD = { name: '刘洋', company: '苏州锐达自动化设备有限公司', title: '设备部经理', mobile: '13962118899', city: '苏州' };
const DEAL = '锐达二期产线升级';
const CONTRACT = '锐达二期产线升级合同';
/** 3 × ¥28,600.00 less 5% = ¥81,510.00, plus 4 × ¥9,200.00 (the list price is ¥9,600.00) = ¥36,800.00. */
const TOTAL = 11_831_000;
const PLANS = [
  { title: '首付款（30%）', amount: 3_549_300, dueInDays: 0, reference: '首付款 银行回单 0001' },
  { title: '尾款（70%）', amount: 8_281_700, dueInDays: 60, reference: '尾款 银行回单 0002' },
] as const;

/** A calendar day `days` from today in this machine's time zone (the browser's), as a date input takes it. */
function day(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** 分 → the zh-CN money text the pages show: 11831000 → ¥118,310.00. */
function yuan(fen: number): string {
  return `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await dismissToasts(page);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath(name) });
}

/** Record pages scroll inside the content area: the window is made as tall as the page for the picture. */
async function screenshotWhole(page: Page, name: string): Promise<void> {
  await dismissToasts(page);
  await page.mouse.move(0, 0);
  const height = await page.evaluate(() => {
    const content = document.querySelector('.content');
    return content ? content.scrollHeight + content.getBoundingClientRect().top : document.body.scrollHeight;
  });
  await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(Math.max(height, VIEWPORT.height), 6000) });
  await page.screenshot({ path: screenshotPath(name) });
  await page.setViewportSize(VIEWPORT);
}

interface StoredRow {
  id: string;
  fields: string;
  deleted_at: number | null;
}

describe('the sales flow from lead to payment in the browser', () => {
  let server: TestServer | undefined;
  let host: RunningHost | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const manager = await server.addUser('zhaomin', 'sales_manager', '赵敏');
    await server.addUser('wangfang', 'sales_rep', '王芳');
    // The catalogue is kept by the manager (products are writable by admin and sales_manager only).
    const session = sessionFor((await server.server.users.byUsername(manager.username))!, 'zhaomin-pc');
    const mutations: Mutation[] = PRODUCTS.map(({ id, ...values }, i) => ({ seq: i + 1, entity: 'product', recordId: id, op: 'create', changes: { ...values, currency: 'CNY', active: true }, base: {} }));
    const { results } = await server.server.sync.push(session, mutations);
    expect(results.every((r) => r.status === 'applied'), JSON.stringify(results)).toBe(true);

    host = await startHost({ demo: false, locale: 'zh-CN', server: server.url, login: { username: 'wangfang', password: 'password-1' } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, TIMEOUT);

  afterAll(async () => {
    for (const step of [async () => browser?.close(), async () => host?.stop(), async () => server?.close()]) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  }, TIMEOUT);

  const form = (): Locator => page.getByTestId('record-form');
  const title = (): Locator => page.getByTestId('detail-title');
  const fact = (name: string): Locator => page.getByTestId(`fact-${name}`).locator('dd');
  const toast = (text: string): Locator => page.getByTestId('toast').filter({ hasText: text });
  const optionTexts = (select: Locator): Promise<string[]> => select.locator('option').allTextContents();

  /** Saves the open record form and waits for it to close. */
  async function save(): Promise<void> {
    await form().getByTestId('form-save').click();
    await form().waitFor({ state: 'detached' });
  }

  /** Opens a child record from the parent page's related list of `entity`. */
  async function openRelated(entity: string, name: string | RegExp): Promise<void> {
    await page.getByTestId(`related-${entity}`).getByTestId('related-link').filter({ hasText: name }).click();
    await page.getByTestId(`${entity}-detail`).waitFor();
  }

  /** Adds a product line through the lines editor's product picker. */
  async function addProductLine(search: string, name: string, lines: number): Promise<Locator> {
    const picker = form().getByTestId('lines-add-product');
    await picker.fill(search);
    await form().getByTestId('ref-option').filter({ hasText: name }).first().click();
    const rows = form().getByTestId('line-row');
    await expect.poll(() => rows.count()).toBe(lines);
    const row = rows.nth(lines - 1);
    expect(await row.getByTestId('line-name').inputValue()).toBe(name);
    return row;
  }

  it(
    'converts a lead, moves the deal to 谈判, quotes, orders, contracts and collects the payments',
    async () => {
      if (!server || !host) throw new Error('not started');
      await page.goto(host.url);
      await page.locator('[data-testid="sync-status"][data-state="online"]').waitFor({ timeout: SYNC_MS });
      await expect.poll(() => page.getByTestId('user-name').textContent()).toBe('王芳');

      // --- 1. A lead through the form, then 转化 into account + contact + opportunity. ----------
      await page.getByTestId('nav-lead').click();
      await page.getByTestId('list-lead').waitFor();
      await page.getByTestId('create-record').click();
      await form().waitFor();
      await form().getByTestId('field-name').fill(LEAD.name);
      await form().getByTestId('field-company').fill(LEAD.company);
      await form().getByTestId('field-title').fill(LEAD.title);
      await form().getByTestId('field-source').selectOption('website');
      await form().getByTestId('field-mobile').fill(LEAD.mobile);
      await form().getByTestId('field-city').fill(LEAD.city);
      await save();
      await page.getByTestId('lead-detail').waitFor();
      expect(await title().textContent()).toBe(LEAD.name);
      expect(await page.getByTestId('detail-status').textContent()).toBe('新线索');

      await page.getByTestId('convert-lead').click();
      const dialog = page.getByTestId('lead-convert');
      await dialog.waitFor();
      const accountPart = dialog.getByTestId('convert-account');
      const contactPart = dialog.getByTestId('convert-contact');
      const dealPart = dialog.getByTestId('convert-opportunity');
      // Prefilled from the lead: a new account named after the company, the person as the contact.
      expect(await dialog.getByTestId('convert-account-new').isChecked()).toBe(true);
      expect(await accountPart.getByTestId('field-name').inputValue()).toBe(LEAD.company);
      expect(await accountPart.getByTestId('field-city').inputValue()).toBe(LEAD.city);
      expect(await contactPart.getByTestId('field-name').inputValue()).toBe(LEAD.name);
      expect(await contactPart.getByTestId('field-title').inputValue()).toBe(LEAD.title);
      expect(await contactPart.getByTestId('field-mobile').inputValue()).toBe(LEAD.mobile);
      expect(await dialog.getByTestId('convert-with-opportunity').isChecked()).toBe(true);
      expect(await dealPart.getByTestId('field-name').inputValue()).toBe(`${LEAD.company} - ${LEAD.name}`);
      await dealPart.getByTestId('field-name').fill(DEAL);
      // The server's built-in stages, pulled at sign-in; the deal starts in 初步接洽.
      const stageSelect = dealPart.getByTestId('field-stageId');
      await stageSelect.locator('option', { hasText: '初步接洽' }).waitFor({ state: 'attached' });
      expect((await optionTexts(stageSelect)).slice(1)).toEqual(['初步接洽 · 10%', '需求确认 · 30%', '方案报价 · 60%', '谈判 · 80%', '赢单 · 100%', '输单 · 0%']);
      await stageSelect.selectOption({ label: '初步接洽 · 10%' });
      await dealPart.getByTestId('field-amount').fill('150000');
      await dealPart.getByTestId('field-expectedCloseDate').fill(day(45));
      await dialog.getByTestId('convert-confirm').click();
      await dialog.waitFor({ state: 'detached' });

      // The new deal opens, with the account the lead became.
      await page.getByTestId('opportunity-detail').waitFor();
      await toast(`已转化线索“${LEAD.name}”`).waitFor();
      expect(await title().textContent()).toBe(DEAL);
      await fact('accountId').filter({ hasText: LEAD.company }).waitFor();
      await fact('stageId').filter({ hasText: '初步接洽' }).waitFor();
      expect(await fact('amount').textContent()).toBe('¥150,000.00');

      // --- 2. The kanban: one drag per stage, 初步接洽 → 需求确认 → 方案报价 → 谈判. -------------
      await page.getByTestId('nav-page-pipeline').click();
      await page.getByTestId('pipeline-board').waitFor();
      const column = (code: string): Locator => page.locator(`[data-testid="pipeline-column"][data-stage-code="${code}"]`);
      const columnCount = (code: string): Locator => column(code).getByTestId('column-count');
      const counts = async () => Object.fromEntries(await Promise.all(['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'].map(async (code) => [code, await columnCount(code).textContent()] as const)));
      const card = page.getByTestId('pipeline-card').filter({ has: page.getByTestId('pipeline-card-name').getByText(DEAL, { exact: true }) });
      await column('prospecting').getByTestId('pipeline-card').filter({ hasText: DEAL }).waitFor();
      await expect.poll(counts).toEqual({ prospecting: '1', qualification: '0', proposal: '0', negotiation: '0', won: '0', lost: '0' });
      expect(await card.textContent()).toContain(LEAD.company);
      expect(await card.textContent()).toContain('¥150,000.00');

      const steps = [
        { from: 'prospecting', to: 'qualification', name: '需求确认' },
        { from: 'qualification', to: 'proposal', name: '方案报价' },
        { from: 'proposal', to: 'negotiation', name: '谈判' },
      ] as const;
      for (const step of steps) {
        await card.dragTo(column(step.to).locator('.pipeline-column-body'));
        await column(step.to).getByTestId('pipeline-card').filter({ hasText: DEAL }).waitFor();
        await columnCount(step.to).filter({ hasText: /^1$/ }).waitFor();
        await toast(`已将“${DEAL}”移到“${step.name}”`).waitFor();
        const expected = { prospecting: '0', qualification: '0', proposal: '0', negotiation: '0', won: '0', lost: '0', [step.to]: '1' };
        await expect.poll(counts).toEqual(expected);
        await dismissToasts(page);
      }
      expect(await column('negotiation').getByTestId('column-total').textContent()).toBe('¥150,000.00');
      await screenshot(page, 'sales-flow-kanban.png');

      // --- 3. A quote from the deal: two product lines, one of them discounted. ----------------
      await card.getByTestId('pipeline-card-name').click();
      await page.getByTestId('opportunity-detail').waitFor();
      await fact('stageId').filter({ hasText: '谈判' }).waitFor();
      await page.getByTestId('add-quote').click();
      await form().waitFor();
      // Made on the deal: named after it, for its account.
      expect(await form().getByTestId('field-title').inputValue()).toBe(DEAL);
      await expect.poll(() => form().getByTestId('field-accountId').inputValue()).toBe(LEAD.company);
      await expect.poll(() => form().getByTestId('field-opportunityId').inputValue()).toBe(DEAL);
      await form().getByTestId('field-title').fill(`${DEAL}报价`);
      await form().getByTestId('field-validUntil').fill(day(30));

      const first = await addProductLine('工业控制', '工业控制计算机', 1);
      expect(await first.getByTestId('line-price').inputValue()).toBe('28600.00');
      await first.getByTestId('line-qty').fill('3');
      await first.getByTestId('line-discount').fill('5');
      await first.getByTestId('line-amount').filter({ hasText: '¥81,510.00' }).waitFor();
      const second = await addProductLine('伺服', '伺服驱动系统', 2);
      expect(await second.getByTestId('line-price').inputValue()).toBe('9600.00');
      await second.getByTestId('line-qty').fill('4');
      await second.getByTestId('line-price').fill('9200');
      await second.getByTestId('line-amount').filter({ hasText: '¥36,800.00' }).waitFor();
      expect(await form().getByTestId('lines-subtotal').textContent()).toBe('¥122,600.00');
      expect(await form().getByTestId('lines-discount').textContent()).toBe('−¥4,290.00');
      expect(await form().getByTestId('lines-total').textContent()).toBe(yuan(TOTAL));
      await save();
      await toast(`已创建报价“${DEAL}报价”`).waitFor();
      await openRelated('quote', `${DEAL}报价`);

      // The quote's page: its lines and totals; the server's number once it has synced.
      const quoteLines = page.getByTestId('lines-table');
      expect(await quoteLines.getByTestId('line-row').count()).toBe(2);
      expect(await quoteLines.getByTestId('lines-subtotal').textContent()).toBe('¥122,600.00');
      expect(await quoteLines.getByTestId('lines-discount').textContent()).toBe('−¥4,290.00');
      expect(await quoteLines.getByTestId('lines-total').textContent()).toBe(yuan(TOTAL));
      expect(await fact('total').textContent()).toBe(yuan(TOTAL));
      await fact('quoteNo').filter({ hasText: 'Q-000001' }).waitFor({ timeout: SYNC_MS });

      // The print view: the lines, the total and the amount in capital numerals.
      await page.getByTestId('print-quote').click();
      await page.getByTestId('quote-print-sheet').waitFor();
      expect(await page.getByTestId('print-quote-no').textContent()).toBe('Q-000001');
      expect(await page.getByTestId('print-customer-name').textContent()).toBe(LEAD.company);
      expect(await page.getByTestId('print-project').textContent()).toBe(DEAL);
      // The deal's contact (the lead's person) came with the quote.
      expect(await page.getByTestId('print-contact').textContent()).toBe(`${LEAD.name}  139 6211 8899`);
      const printed = page.getByTestId('print-line');
      expect(await printed.count()).toBe(2);
      expect(await printed.nth(0).locator('td').allTextContents()).toEqual(['1', 'IPC-610H', '工业控制计算机', '酷睿 i7，16 GB 内存', '台', '3', '28,600.00', '减 5%', '81,510.00']);
      expect(await printed.nth(1).locator('td').allTextContents()).toEqual(['2', 'SV-1500', '伺服驱动系统', '1.5 kW，380 V', '套', '4', '9,200.00', '', '36,800.00']);
      expect(await page.getByTestId('print-subtotal').textContent()).toBe('¥122,600.00');
      expect(await page.getByTestId('print-discount').textContent()).toBe('-¥4,290.00');
      expect(await page.getByTestId('print-total').textContent()).toBe(yuan(TOTAL));
      expect(await page.getByTestId('print-amount-words').textContent()).toBe('合计金额（大写）：人民币壹拾壹万捌仟叁佰壹拾元整');
      await screenshotWhole(page, 'sales-flow-quote-print.png');
      await page.getByTestId('print-back').click();
      await page.getByTestId('quote-detail').waitFor();

      // --- 4. An order from the quote: account, deal and lines carried; a new order is 待审核. ---
      await page.getByTestId('add-order').click();
      await form().waitFor();
      await expect.poll(() => form().getByTestId('field-accountId').inputValue()).toBe(LEAD.company);
      await expect.poll(() => form().getByTestId('field-quoteId').inputValue()).toBe(`${DEAL}报价`);
      await expect.poll(() => form().getByTestId('field-opportunityId').inputValue()).toBe(DEAL);
      const orderLines = form().getByTestId('line-row');
      expect(await orderLines.count()).toBe(2);
      expect(await orderLines.nth(0).getByTestId('line-name').inputValue()).toBe('工业控制计算机');
      expect(await orderLines.nth(0).getByTestId('line-discount').inputValue()).toBe('5');
      expect(await orderLines.nth(1).getByTestId('line-price').inputValue()).toBe('9200.00');
      expect(await form().getByTestId('lines-total').textContent()).toBe(yuan(TOTAL));
      expect(await optionTexts(form().getByTestId('field-status'))).toEqual(['待审核']);
      await form().getByTestId('field-orderDate').fill(day(0));
      await form().getByTestId('field-paymentMethod').selectOption('bank_transfer');
      await save();
      // Listed on the quote under its number (provisional until the server's arrives).
      const orderItem = page.getByTestId('related-order').getByTestId('related-item');
      await orderItem.first().waitFor();
      expect(await orderItem.count()).toBe(1);
      await openRelated('order', /^SO-/);
      expect(await fact('amount').textContent()).toBe(yuan(TOTAL));
      await fact('quoteId').filter({ hasText: `${DEAL}报价` }).waitFor();
      expect(await page.getByTestId('detail-status').textContent()).toBe('待审核');

      // The status moves by the allowed steps only: the form offers no jump from 待审核 to 已完成.
      const moveOrder = async (from: string, offered: string[], to: string) => {
        await page.getByTestId('edit-record').click();
        await form().waitFor();
        const status = form().getByTestId('field-status');
        expect(await status.inputValue()).toBe(from);
        expect(await optionTexts(status)).toEqual(offered);
        await status.selectOption(to);
        await save();
      };
      await moveOrder('pending_review', ['待审核', '已审核', '已取消'], 'approved');
      await page.getByTestId('detail-status').filter({ hasText: '已审核' }).waitFor();
      await moveOrder('approved', ['已审核', '已发货', '已取消'], 'shipped');
      await page.getByTestId('detail-status').filter({ hasText: '已发货' }).waitFor();
      // The server's number arrives with the sync; the provisional mark goes.
      await title().filter({ hasText: /^SO-000001$/ }).waitFor({ timeout: SYNC_MS });
      await page.getByTestId('detail-provisional').waitFor({ state: 'detached' });

      // --- 5. A contract from the order: account and amount carried. ---------------------------
      await page.getByTestId('add-contract').click();
      await form().waitFor();
      await expect.poll(() => form().getByTestId('field-accountId').inputValue()).toBe(LEAD.company);
      await expect.poll(() => form().getByTestId('field-orderId').inputValue()).toBe('SO-000001');
      expect(await form().getByTestId('field-amount').inputValue()).toBe((TOTAL / 100).toFixed(2));
      await form().getByTestId('field-name').fill(CONTRACT);
      await form().getByTestId('field-status').selectOption('signed');
      await form().getByTestId('field-signedOn').fill(day(0));
      await form().getByTestId('field-startDate').fill(day(0));
      await form().getByTestId('field-endDate').fill(day(365));
      await save();
      await toast(`已创建合同“${CONTRACT}”`).waitFor();
      await openRelated('contract', CONTRACT);
      expect(await fact('amount').textContent()).toBe(yuan(TOTAL));
      await fact('contractNo').filter({ hasText: /^HT-000001$/ }).waitFor({ timeout: SYNC_MS });

      // --- 6. Two instalments, and a payment against each (its amount carried). --------------
      const received = page.getByTestId('contract-received');
      const outstanding = page.getByTestId('contract-outstanding');
      await received.filter({ hasText: '¥0.00' }).waitFor();
      expect(await outstanding.textContent()).toBe(yuan(TOTAL));
      for (const plan of PLANS) {
        await page.getByTestId('add-payment_plan').click();
        await form().waitFor();
        await expect.poll(() => form().getByTestId('field-contractId').inputValue()).toBe(CONTRACT);
        await form().getByTestId('field-title').fill(plan.title);
        await form().getByTestId('field-plannedDate').fill(day(plan.dueInDays));
        await form().getByTestId('field-amount').fill((plan.amount / 100).toFixed(2));
        await save();
        await page.getByTestId('related-payment_plan').getByTestId('related-item').filter({ hasText: plan.title }).filter({ hasText: '待回款' }).waitFor();
      }

      let paid = 0;
      for (const plan of PLANS) {
        await openRelated('payment_plan', plan.title);
        await page.getByTestId('add-payment').click();
        await form().waitFor();
        await expect.poll(() => form().getByTestId('field-contractId').inputValue()).toBe(CONTRACT);
        await expect.poll(() => form().getByTestId('field-planId').inputValue()).toBe(plan.title);
        expect(await form().getByTestId('field-amount').inputValue()).toBe((plan.amount / 100).toFixed(2));
        await form().getByTestId('field-reference').fill(plan.reference);
        await form().getByTestId('field-receivedOn').fill(day(0));
        await save();
        await toast(`已登记回款“${plan.reference}”`).waitFor();
        await page.getByTestId('related-payment').getByTestId('related-item').filter({ hasText: plan.reference }).waitFor();
        paid += plan.amount;
        // Back to the contract through its link on the instalment's page.
        await fact('contractId').getByRole('button', { name: CONTRACT }).click();
        await page.getByTestId('contract-detail').waitFor();
        await received.filter({ hasText: yuan(paid) }).waitFor();
        expect(await outstanding.textContent()).toBe(yuan(TOTAL - paid));
      }
      expect(paid).toBe(TOTAL);
      await received.filter({ hasText: yuan(TOTAL) }).waitFor();
      expect(await outstanding.textContent()).toBe('¥0.00');
      const planItems = page.getByTestId('related-payment_plan').getByTestId('related-item');
      for (const plan of PLANS) await planItems.filter({ hasText: plan.title }).filter({ hasText: '已回款' }).waitFor();
      expect(await page.getByTestId('related-payment').getByTestId('related-item').count()).toBe(2);

      // --- 7. Everything synced; the server holds the records. -------------------------------
      const store = server.server.store;
      const rowsOf = async (entity: string) => {
        const rows = await store.all<StoredRow>('SELECT id, fields, deleted_at FROM records WHERE entity = ? ORDER BY created_at', [entity]);
        return rows.map((r): Record<string, unknown> & { id: string; deletedAt: number | null } => ({ ...(JSON.parse(r.fields) as Record<string, unknown>), id: r.id, deletedAt: r.deleted_at }));
      };
      // The last payment reaches the server, and the device has nothing left to send.
      await expect.poll(async () => (await rowsOf('payment')).length, { timeout: SYNC_MS }).toBe(2);
      await page.getByTestId('sync-pending').waitFor({ state: 'detached', timeout: SYNC_MS });
      await page.locator('[data-testid="sync-status"][data-state="online"]').waitFor({ timeout: SYNC_MS });
      await screenshotWhole(page, 'sales-flow-contract.png');
      const rep = server.users.wangfang!.id;
      const [lead] = await rowsOf('lead');
      const [account] = await rowsOf('account');
      const [contact] = await rowsOf('contact');
      const [deal] = await rowsOf('opportunity');
      const [quote] = await rowsOf('quote');
      const [order] = await rowsOf('order');
      const [contract] = await rowsOf('contract');
      const plans = await rowsOf('payment_plan');
      const payments = await rowsOf('payment');
      expect(lead).toMatchObject({ name: LEAD.name, status: 'converted', accountId: account?.id, contactId: contact?.id, opportunityId: deal?.id, ownerId: rep, deletedAt: null });
      expect(account).toMatchObject({ name: LEAD.company, city: LEAD.city, customerNo: 'C-000001', ownerId: rep });
      expect(contact).toMatchObject({ name: LEAD.name, accountId: account?.id, mobile: LEAD.mobile });
      expect(deal).toMatchObject({ name: DEAL, accountId: account?.id, stageId: 'stage-negotiation', status: 'open', amount: 15_000_000 });
      expect(quote).toMatchObject({ title: `${DEAL}报价`, quoteNo: 'Q-000001', accountId: account?.id, opportunityId: deal?.id, subtotal: 12_260_000, discountTotal: 429_000, total: TOTAL });
      expect(quote?.lines).toEqual([
        { productId: 'prod-ipc-610h', name: '工业控制计算机', code: 'IPC-610H', unit: '台', qty: 3, unitPrice: 2_860_000, discountBp: 500 },
        { productId: 'prod-sv-1500', name: '伺服驱动系统', code: 'SV-1500', unit: '套', qty: 4, unitPrice: 920_000, discountBp: 0 },
      ]);
      expect(order).toMatchObject({ orderNo: 'SO-000001', status: 'shipped', accountId: account?.id, quoteId: quote?.id, opportunityId: deal?.id, amount: TOTAL, lines: quote?.lines });
      expect(contract).toMatchObject({ contractNo: 'HT-000001', name: CONTRACT, status: 'signed', accountId: account?.id, orderId: order?.id, amount: TOTAL });
      expect(plans.map((p) => ({ title: p.title, amount: p.amount, contractId: p.contractId }))).toEqual(PLANS.map((p) => ({ title: p.title, amount: p.amount, contractId: contract?.id })));
      expect(payments.map((p) => ({ reference: p.reference, amount: p.amount, contractId: p.contractId, planId: p.planId }))).toEqual(
        PLANS.map((p, i) => ({ reference: p.reference, amount: p.amount, contractId: contract?.id, planId: plans[i]?.id })),
      );
      for (const row of [lead, account, contact, deal, quote, order, contract, ...plans, ...payments]) expect(row?.deletedAt).toBeNull();

      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});
