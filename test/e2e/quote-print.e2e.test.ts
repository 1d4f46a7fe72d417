import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath, startHost, type RunningHost, dismissToasts } from './host-process';

/**
 * The printable quote (报价单) in real Chromium through the browser host: from the quote's page to
 * the print view, the letterhead form, totals and the amount in capital numerals, the browser's
 * "Save as PDF" fallback of Export PDF, print media (only the sheet is left), and PDFs of a short
 * and of a long quote with their page counts. The records are made through the page's API socket.
 */
const TIMEOUT = 180_000;
const VIEWPORT = { width: 1280, height: 800 };
/** An A4 page is 210 mm wide: 794 CSS pixels at 96 per inch. */
const A4_WIDTH_PX = 794;

declare global {
  interface Window {
    /** document.title at each window.print() call, recorded by the test's stand-in for print. */
    printTitles?: string[];
  }
}

/**
 * One call of the client API on a socket of its own, as the page's transport makes it (the page
 * keeps the host's access token in localStorage). Rejects with the core's error.
 */
async function call<T = Record<string, unknown>>(page: Page, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    ({ method, input }) =>
      new Promise<T>((resolve, reject) => {
        const token = localStorage.getItem('crm.hostToken') ?? '';
        const socket = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`);
        socket.onopen = () => socket.send(JSON.stringify({ id: 1, method, input }));
        socket.onmessage = (message) => {
          const data = JSON.parse(String(message.data)) as { id?: number; reply?: { ok: boolean; value?: T; error?: unknown } };
          if (data.id !== 1 || !data.reply) return;
          socket.close();
          if (data.reply.ok) resolve(data.reply.value as T);
          else reject(new Error(`${method} failed: ${JSON.stringify(data.reply.error)}`));
        };
        socket.onerror = () => reject(new Error(`${method}: the API socket failed`));
      }),
    { method, input },
  );
}

async function create(page: Page, entity: string, values: Record<string, unknown>): Promise<string> {
  const record = await call<{ id: string }>(page, 'record.create', { entity, values });
  return record.id;
}

/** The print view scrolls inside the content area: the window is made as tall as the page for the picture. */
async function screenshotWhole(page: Page, name: string): Promise<void> {
  await dismissToasts(page);
  const height = await page.evaluate(() => {
    const content = document.querySelector('.content');
    return content ? content.scrollHeight + content.getBoundingClientRect().top : document.body.scrollHeight;
  });
  await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(Math.max(height, VIEWPORT.height), 6000) });
  await page.screenshot({ path: screenshotPath(name) });
  await page.setViewportSize(VIEWPORT);
}

/** Pages of a PDF: its /Type /Page objects (the /Type /Pages tree nodes are not pages). */
function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
}

async function openByHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((target) => {
    location.hash = target;
  }, hash);
}

describe('the printable quote', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  let quoteId = '';
  let longQuoteId = '';

  beforeAll(async () => {
    host = await startHost({ demo: false, locale: 'zh-CN' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(host.url);
    await page.getByTestId('empty-state').waitFor();

    const stageId = await create(page, 'stage', { name: '方案报价', code: 'proposal', kind: 'open', position: 30, probability: 60 });
    const accountId = await create(page, 'account', {
      name: '上海明远精密机械有限公司',
      phone: '021-58881234',
      province: '上海市',
      city: '上海市',
      district: '浦东新区',
      street: '张江路 88 号',
    });
    const contactId = await create(page, 'contact', { accountId, name: '陈静', title: '采购经理', mobile: '13912345678' });
    const opportunityId = await create(page, 'opportunity', { accountId, name: '二号车间自动化改造', stageId, expectedCloseDate: '2026-09-30' });
    const plc = { code: 'PLC-X200', name: '工业控制器', spec: '24 路 I/O，以太网', unit: '台', listPrice: 500_000, currency: 'CNY' };
    const servo = { code: 'SV-750W', name: '伺服电机', spec: '750 W，220 V', unit: '台', listPrice: 114_855, currency: 'CNY' };
    const plcId = await create(page, 'product', plc);
    const servoId = await create(page, 'product', servo);
    const lineOf = (id: string, p: typeof plc, qty: number, discountBp = 0) => ({ productId: id, name: p.name, code: p.code, unit: p.unit, qty, unitPrice: p.listPrice, discountBp });

    // 2 × ¥5,000.00 at 10% off + 3 × ¥1,148.55 = ¥9,000.00 + ¥3,445.65 = ¥12,445.65.
    quoteId = await create(page, 'quote', {
      title: '二号车间自动化改造报价',
      accountId,
      contactId,
      opportunityId,
      validUntil: '2026-09-30',
      currency: 'CNY',
      lines: [lineOf(plcId, plc, 2, 1_000), lineOf(servoId, servo, 3)],
      terms: '1. 以上价格含 13% 增值税，含运费及安装调试。\n2. 交货期：合同签订后 30 天内。\n3. 付款方式：预付 30%，到货验收合格后付清余款。',
    });
    // Long enough to need a second A4 page: 60 lines, products and free-text lines in turn.
    longQuoteId = await create(page, 'quote', {
      title: '全厂备件年度框架报价',
      accountId,
      currency: 'CNY',
      lines: Array.from({ length: 60 }, (_, i) =>
        i % 3 === 2
          ? { productId: null, name: `现场服务 第 ${i + 1} 项（含差旅）`, code: null, unit: '人天', qty: 1 + (i % 4), unitPrice: 80_000, discountBp: 0 }
          : lineOf(i % 2 === 0 ? plcId : servoId, i % 2 === 0 ? plc : servo, 1 + (i % 5), i % 4 === 0 ? 500 : 0),
      ),
    });
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  }, TIMEOUT);

  it(
    'opens from the quote page, shows the quote with totals and capital numerals, and saves a letterhead',
    async () => {
      await openByHash(page, `#/quotes/${quoteId}`);
      await page.getByTestId('quote-detail').waitFor();
      const action = page.getByTestId('print-quote').filter({ hasText: '打印 / 导出 PDF' });
      await action.waitFor();
      await dismissToasts(page);
      await page.screenshot({ path: screenshotPath('quote-detail-print-action.png') });
      await action.click();
      const sheet = page.getByTestId('quote-print-sheet');
      await sheet.waitFor();
      expect(new URL(page.url()).hash).toBe(`#/quotes/${quoteId}/print`);

      expect(await sheet.locator('h1').textContent()).toBe('报价单');
      expect(await page.getByTestId('print-quote-no').textContent()).toMatch(/^Q-T[0-9A-F]{6}（临时编号）$/);
      expect(await page.getByTestId('print-valid-until').textContent()).toBe('2026/09/30');
      expect(await page.getByTestId('print-status').textContent()).toBe('草稿');
      expect(await page.getByTestId('print-customer-name').textContent()).toBe('上海明远精密机械有限公司');
      expect(await page.getByTestId('print-customer-address').textContent()).toBe('上海市浦东新区张江路 88 号');
      expect(await page.getByTestId('print-customer-phone').textContent()).toBe('021-58881234');
      expect(await page.getByTestId('print-contact').textContent()).toBe('陈静  139 1234 5678');
      expect(await page.getByTestId('print-project').textContent()).toBe('二号车间自动化改造');

      const rows = page.getByTestId('print-line');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['1', 'PLC-X200', '工业控制器', '24 路 I/O，以太网', '台', '2', '5,000.00', '减 10%', '9,000.00']);
      expect(await rows.nth(1).locator('td').allTextContents()).toEqual(['2', 'SV-750W', '伺服电机', '750 W，220 V', '台', '3', '1,148.55', '', '3,445.65']);
      expect(await page.getByTestId('print-subtotal').textContent()).toBe('¥13,445.65');
      expect(await page.getByTestId('print-discount').textContent()).toBe('-¥1,000.00');
      expect(await page.getByTestId('print-total').textContent()).toBe('¥12,445.65');
      expect(await page.getByTestId('print-amount-words').textContent()).toBe('合计金额（大写）：人民币壹万贰仟肆佰肆拾伍元陆角伍分');
      expect(await page.getByTestId('print-terms').textContent()).toContain('交货期：合同签订后 30 天内。');
      expect(await page.getByTestId('print-signature').count()).toBe(2);

      // No letterhead yet: a placeholder says how to set one; the form saves it to the settings.
      await page.getByTestId('print-letterhead-unset').waitFor();
      await page.getByTestId('letterhead-edit').click();
      await page.getByTestId('letterhead-name').fill('杭州云启智能装备有限公司');
      await page.getByTestId('letterhead-address').fill('浙江省杭州市西湖区文三路 90 号东部软件园 3 号楼');
      await page.getByTestId('letterhead-phone').fill('0571-88886666');
      await page.screenshot({ path: screenshotPath('quote-print-letterhead.png') });
      await page.getByTestId('letterhead-save').click();
      await page.getByTestId('letterhead-form').waitFor({ state: 'detached' });
      const letterhead = page.getByTestId('print-letterhead');
      await letterhead.filter({ hasText: '杭州云启智能装备有限公司' }).waitFor();
      expect(await letterhead.textContent()).toContain('电话：0571-88886666');
      expect(await page.getByTestId('print-signature').first().textContent()).toContain('供方：杭州云启智能装备有限公司');
      expect(await page.getByTestId('print-signature').nth(1).textContent()).toContain('需方：上海明远精密机械有限公司');

      // The letterhead is kept: a reload shows it again.
      await page.reload();
      await letterhead.filter({ hasText: '浙江省杭州市西湖区文三路 90 号东部软件园 3 号楼' }).waitFor();
      await screenshotWhole(page, 'quote-print.png');

      // Without Electron, Export PDF opens the browser's print dialog with a hint to save as PDF;
      // the document title (Chromium's suggested file name) is the quote's file name meanwhile.
      await page.evaluate(() => {
        window.printTitles = [];
        window.print = () => window.printTitles?.push(document.title);
      });
      await page.getByTestId('print-export-pdf').click();
      const hint = page.getByTestId('print-pdf-hint');
      await hint.waitFor();
      expect(await hint.textContent()).toContain('另存为 PDF');
      await page.waitForFunction(() => window.printTitles?.length === 1);
      await page.screenshot({ path: screenshotPath('quote-print-pdf-hint.png') });
      await page.getByTestId('print-print').click();
      const titles = await page.evaluate(() => window.printTitles ?? []);
      expect(titles).toHaveLength(2);
      for (const title of titles) expect(title).toMatch(/^报价单-Q-T[0-9A-F]{6}$/);

      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'prints the sheet alone: the frame and the toolbar are hidden, and the PDF is one A4 page',
    async () => {
      await openByHash(page, `#/quotes/${quoteId}/print`);
      await page.getByTestId('quote-print-sheet').waitFor();
      await page.getByTestId('print-letterhead').filter({ hasText: '杭州云启智能装备有限公司' }).waitFor();
      await page.emulateMedia({ media: 'print' });
      try {
        for (const testId of ['print-toolbar', 'nav-account', 'global-search', 'sync-status']) {
          expect(await page.getByTestId(testId).isHidden(), `${testId} hidden in print`).toBe(true);
        }
        expect(await page.locator('.sidebar').isHidden()).toBe(true);
        expect(await page.locator('.topbar').isHidden()).toBe(true);
        expect(await page.getByTestId('quote-print-sheet').isVisible()).toBe(true);
        expect(await page.getByTestId('print-amount-words').isVisible()).toBe(true);

        await page.setViewportSize({ width: A4_WIDTH_PX, height: 1123 });
        await page.screenshot({ path: screenshotPath('quote-print-media.png'), fullPage: true });
        await page.setViewportSize(VIEWPORT);

        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        fs.writeFileSync(screenshotPath('quote-print.pdf'), pdf);
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdfPageCount(pdf)).toBe(1);
      } finally {
        // null, not 'screen': page.pdf prints with print media unless screen is emulated.
        await page.emulateMedia({ media: null });
      }
      expect(await page.getByTestId('print-toolbar').isVisible()).toBe(true);
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'flows a 60-line quote onto further A4 pages',
    async () => {
      await openByHash(page, `#/quotes/${longQuoteId}/print`);
      await page.getByTestId('quote-print-sheet').waitFor();
      expect(await page.getByTestId('print-line').count()).toBe(60);
      const total = await page.getByTestId('print-total').textContent();
      expect(total).toMatch(/^¥[\d,]+\.\d{2}$/);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      fs.writeFileSync(screenshotPath('quote-print-long.pdf'), pdf);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const pages = pdfPageCount(pdf);
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(pages).toBeLessThanOrEqual(3);
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'reads in English, without the capital numerals of the Chinese document',
    async () => {
      await openByHash(page, `#/quotes/${quoteId}/print`);
      await page.getByTestId('quote-print-sheet').waitFor();
      await page.getByTestId('user-menu').click();
      await page.getByTestId('lang-en').click();
      const sheet = page.getByTestId('quote-print-sheet');
      await sheet.locator('h1', { hasText: 'Quotation' }).waitFor();
      expect(await page.getByTestId('print-quote-no').textContent()).toMatch(/^Q-T[0-9A-F]{6} \(provisional\)$/);
      expect(await page.getByTestId('print-amount-words').count()).toBe(0);
      expect(await page.getByTestId('print-total').textContent()).toMatch(/^CN¥12,445\.65$/);
      expect(await page.getByTestId('print-line').nth(0).locator('td').nth(7).textContent()).toBe('10% off');
      expect(await page.getByTestId('print-export-pdf').textContent()).toBe('Export PDF');
      await page.keyboard.press('Escape');
      await screenshotWhole(page, 'quote-print.en.png');

      // Back returns to the quote's page.
      await page.getByTestId('print-back').filter({ hasText: 'Back to quote' }).click();
      await page.getByTestId('quote-detail').waitFor();
      expect(new URL(page.url()).hash).toBe(`#/quotes/${quoteId}`);
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});
