import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { Method, MethodInput, MethodOutput } from '../../src-shared/api/client-api.contract';
import { launchChromium, screenshotPath, startHost, type RunningHost } from './host-process';

/**
 * 我的任务, desktop reminders and the activity timeline end to end, in Chromium against the browser
 * host on a fresh replica: log an activity and a check-in (with a position) from an account's
 * timeline; tasks due yesterday, today and next week land in their sections; completing one takes
 * it away; a reminder due in a moment shows a notification that opens the task; a reminder missed
 * while no window was open shows once at the next start and not after a reload.
 */
const TIMEOUT = 180_000;

/** What the page's Notification records (the init script below replaces the browser's). */
interface Recorded {
  title: string;
  body: string;
  tag: string;
}

declare global {
  interface Window {
    __notifications: (Recorded & { onclick: (() => void) | null })[];
    __permissionRequests: number;
  }
}

/**
 * Headless Chromium has no notification centre to look at, so the page gets a Notification that
 * records what the app shows. Its permission lives in localStorage, as a browser keeps a granted
 * permission for the origin across windows and reloads.
 */
function recordNotifications(): void {
  window.__notifications = [];
  window.__permissionRequests = 0;
  const KEY = '__notificationPermission';
  class RecordingNotification {
    static get permission(): NotificationPermission {
      return (localStorage.getItem(KEY) as NotificationPermission | null) ?? 'default';
    }
    static requestPermission(): Promise<NotificationPermission> {
      window.__permissionRequests++;
      localStorage.setItem(KEY, 'granted');
      return Promise.resolve('granted');
    }
    onclick: (() => void) | null = null;
    closed = false;
    constructor(
      readonly title: string,
      options: NotificationOptions = {},
    ) {
      this.body = options.body ?? '';
      this.tag = options.tag ?? '';
      window.__notifications.push(this);
    }
    body: string;
    tag: string;
    close(): void {
      this.closed = true;
    }
  }
  Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true, writable: true });
}

/**
 * An IANA zone where it is around noon now and that is not UTC: "due later today" and "due
 * yesterday" must not straddle a midnight, and day boundaries must come from the user's zone.
 */
function noonZone(now: Date): string {
  for (const target of [12, 11, 13]) {
    for (let hours = -11; hours <= 14; hours++) {
      if (hours !== 0 && (((now.getUTCHours() + hours) % 24) + 24) % 24 === target) return hours > 0 ? `Etc/GMT-${hours}` : `Etc/GMT+${-hours}`;
    }
  }
  throw new Error('no zone found');
}

/** The core's API over the host's socket, as a second window would use it (test setup and checks). */
async function hostApi(url: string) {
  const address = new URL(url);
  const ws = new WebSocket(`ws://${address.host}/api?token=${encodeURIComponent(address.searchParams.get('token') ?? '')}`, { headers: { Origin: address.origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (reply: { ok: boolean; value?: unknown; error?: { code: string; message: string } }) => void>();
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as { id?: number; reply?: { ok: boolean } };
    if (typeof message.id === 'number' && message.reply) waiting.get(message.id)?.(message.reply);
  });
  return {
    call<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, (reply) => {
          waiting.delete(id);
          if (reply.ok) resolve(reply.value as MethodOutput<M>);
          else reject(new Error(`${reply.error?.code}: ${reply.error?.message}`));
        });
        ws.send(JSON.stringify({ id, method, input }));
      });
    },
    close: () => ws.close(),
  };
}

/** A screenshot of the window with `focus` scrolled into view (the content area scrolls, not the page). */
async function screenshot(page: Page, name: string, focus?: Locator): Promise<void> {
  const close = page.getByTestId('toast-close');
  while ((await close.count()) > 0) await close.first().click();
  await focus?.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath(name) });
}

/** The page's local 'YYYY-MM-DDTHH:mm' (a datetime-local value) `offsetMs` from now. */
function localInput(page: Page, offsetMs: number): Promise<string> {
  return page.evaluate((ms) => {
    const d = new Date(Date.now() + ms);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, offsetMs);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('my tasks, reminders and the activity timeline in the browser', () => {
  let host: RunningHost;
  let browser: Browser;
  let context: BrowserContext;
  let core: Awaited<ReturnType<typeof hostApi>>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    host = await startHost({ demo: false, locale: 'zh-CN' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: noonZone(new Date()), locale: 'zh-CN' });
    await context.addInitScript(recordNotifications);
    core = await hostApi(host.url);
  }, TIMEOUT);

  afterAll(async () => {
    core?.close();
    await browser?.close();
    await host?.stop();
  }, TIMEOUT);

  // A window left open by a failed test would go on showing reminders and move the mark.
  const pages: Page[] = [];
  afterEach(async () => {
    for (const page of pages.splice(0)) if (!page.isClosed()) await page.close();
  });

  async function openApp(): Promise<Page> {
    const page = await context.newPage();
    pages.push(page);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(host.url);
    return page;
  }

  /** A new window's reminders: waits for one titled `title`, then lists every one it showed. */
  async function remindersOfNewWindow(title: string): Promise<string[][]> {
    const page = await openApp();
    await page.waitForFunction((t) => window.__notifications.some((n) => n.title === t), title, { timeout: 30_000 });
    const shown = await page.evaluate(() => window.__notifications.map((n) => [n.title, n.body, n.tag]));
    expect(await page.evaluate(() => window.__permissionRequests), 'asked for permission again').toBe(0);
    await page.close();
    return shown;
  }

  it(
    'logs an activity and a check-in on the timeline, sorts tasks by due day, completes one and reminds',
    async () => {
      const page = await openApp();
      const form = page.getByTestId('record-form');

      // An account; its timeline is empty and says what to do.
      await page.getByTestId('empty-create').click();
      await form.getByTestId('field-name').fill('华为技术有限公司');
      await form.getByTestId('form-save').click();
      await page.getByTestId('account-detail').waitFor();
      const accountId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
      expect(accountId).not.toBe('');
      // The record page opens on its details; the timeline is the 跟进记录 tab.
      await page.getByTestId('tab-activities').click();
      const timeline = page.getByTestId('activity-timeline');
      await timeline.getByTestId('timeline-empty').waitFor();
      expect(await timeline.textContent()).toContain('还没有跟进记录');
      // The plain activities list is gone from the side.
      expect(await page.getByTestId('related-activity').count()).toBe(0);

      // 记录跟进: the form starts with the account and the time.
      const before = await localInput(page, 0);
      await timeline.getByTestId('log-activity').click();
      await form.waitFor();
      expect(await form.getByTestId('field-accountId').inputValue()).toBe('华为技术有限公司');
      const occurredAt = await form.getByTestId('field-occurredAt').inputValue();
      expect(occurredAt >= before && occurredAt <= (await localInput(page, 0))).toBe(true);
      await form.getByTestId('field-type').selectOption('meeting');
      await form.getByTestId('field-subject').fill('二期扩容需求沟通');
      const content = Array.from({ length: 6 }, (_, i) => `第${i + 1}点：客户希望在第三季度完成机房扩容，预算与交付周期需要进一步确认。`).join('\n');
      await form.getByTestId('field-content').fill(content);
      await form.getByTestId('field-outcome').fill('客户认可方案方向');
      await form.getByTestId('field-nextStep').fill('下周提交报价');
      await form.getByTestId('form-save').click();
      await form.waitFor({ state: 'detached' });
      const meeting = timeline.getByTestId('timeline-item').filter({ hasText: '二期扩容需求沟通' });
      await meeting.waitFor();
      expect(await meeting.getAttribute('data-type')).toBe('meeting');
      expect(await meeting.textContent()).toContain('会议');
      expect(await meeting.textContent()).toContain('下周提交报价');
      expect(await timeline.getByTestId('timeline-day').first().textContent()).toContain('今天');
      // Long content is clamped to three lines until expanded.
      const text = meeting.getByTestId('timeline-content');
      const clamped = (await text.boundingBox())?.height ?? 0;
      await meeting.getByTestId('timeline-toggle').click();
      await meeting.getByTestId('timeline-toggle').filter({ hasText: '收起' }).waitFor();
      expect((await text.boundingBox())?.height ?? 0).toBeGreaterThan(clamped * 1.5);

      // 外勤签到 with a position: the coordinates are filled, six decimals.
      await context.grantPermissions(['geolocation'], { origin: new URL(host.url).origin });
      await context.setGeolocation({ latitude: 31.2304161, longitude: 121.4737012 });
      await timeline.getByTestId('check-in').click();
      await form.waitFor();
      expect(await form.getByTestId('field-type').inputValue()).toBe('checkin');
      expect(await form.getByTestId('field-latitude').inputValue()).toBe('31.230416');
      expect(await form.getByTestId('field-longitude').inputValue()).toBe('121.473701');
      expect(await form.getByTestId('field-subject').inputValue()).toBe('外勤签到');
      await form.getByTestId('field-location').fill('上海市黄浦区人民大道200号');
      await form.getByTestId('form-save').click();
      await form.waitFor({ state: 'detached' });
      const checkin = timeline.getByTestId('timeline-item').filter({ hasText: '上海市黄浦区人民大道200号' });
      await checkin.waitFor();
      expect(await checkin.getAttribute('data-type')).toBe('checkin');
      expect(await checkin.getByTestId('timeline-location').textContent()).toContain('31.230416');
      // Newest first.
      expect(await timeline.getByTestId('timeline-subject').allTextContents()).toEqual(['外勤签到', '二期扩容需求沟通']);
      await screenshot(page, 'account-timeline.png', timeline);

      // Thirty a page, newest first, grouped by day; the rest a click away.
      for (let i = 0; i < 31; i++) {
        await core.call('record.create', { entity: 'activity', values: { accountId, type: 'call', subject: `电话回访 ${i + 1}`, occurredAt: Date.now() - (i + 1) * 6 * HOUR } });
      }
      await timeline.locator('.count-pill').filter({ hasText: /^33$/ }).waitFor();
      expect(await timeline.getByTestId('timeline-item').count()).toBe(30);
      expect(await timeline.getByTestId('timeline-day').nth(1).locator('.timeline-day-label').textContent()).toBe('昨天');
      await timeline.getByTestId('timeline-more').click();
      await timeline.getByTestId('timeline-more').waitFor({ state: 'detached' });
      expect(await timeline.getByTestId('timeline-item').count()).toBe(33);
      expect(await timeline.getByTestId('timeline-subject').last().textContent()).toBe('电话回访 31');
      await screenshot(page, 'account-timeline-days.png', timeline.getByTestId('timeline-day').nth(2));

      // Without a position the form still opens, and the user is told to type the place.
      await context.clearPermissions();
      await timeline.getByTestId('check-in').click();
      await form.waitFor();
      await page.getByTestId('toast').filter({ hasText: '无法获取当前位置' }).waitFor();
      expect(await form.getByTestId('field-latitude').inputValue()).toBe('');
      expect(await form.getByTestId('field-type').inputValue()).toBe('checkin');
      await form.getByTestId('form-cancel').click();
      await form.waitFor({ state: 'detached' });

      // My tasks: empty at first, with what to do.
      await page.getByTestId('nav-page-myTasks').click();
      await page.getByTestId('tasks-empty').waitFor();
      expect(await page.getByTestId('tasks-empty').textContent()).toContain('新建任务');
      await screenshot(page, 'my-tasks-empty.png');

      const addTask = async (title: string, dueOffsetMs: number, account?: string) => {
        await page.getByTestId('new-task').click();
        await form.waitFor();
        await form.getByTestId('field-title').fill(title);
        await form.getByTestId('field-dueAt').fill(await localInput(page, dueOffsetMs));
        if (account) {
          await form.getByTestId('field-accountId').fill(account.slice(0, 2));
          await form.getByTestId('ref-option').filter({ hasText: account }).click();
        }
        await form.getByTestId('form-save').click();
        await form.waitFor({ state: 'detached' });
        await page.getByTestId('task-row').filter({ hasText: title }).waitFor();
      };
      await addTask('昨天要交的报价', -DAY);
      await addTask('今天下午回电', 2 * HOUR, '华为技术有限公司');
      await addTask('下周拜访', 7 * DAY);

      const overdue = page.getByTestId('tasks-overdue');
      const today = page.getByTestId('tasks-today');
      const upcoming = page.getByTestId('tasks-upcoming');
      const late = overdue.getByTestId('task-row').filter({ hasText: '昨天要交的报价' });
      await late.waitFor();
      expect(await late.getAttribute('class')).toContain('is-overdue');
      expect(await late.getByTestId('task-due').textContent()).toContain('昨天');
      const call = today.getByTestId('task-row').filter({ hasText: '今天下午回电' });
      await call.waitFor();
      expect(await call.getByTestId('task-related').textContent()).toBe('华为技术有限公司');
      expect(await call.getAttribute('class')).not.toContain('is-overdue');
      expect(await upcoming.getByTestId('task-row').filter({ hasText: '下周拜访' }).getByTestId('task-due').textContent()).toContain('7天后');
      expect(await page.getByTestId('tasks-undated').getByTestId('section-count').textContent()).toBe('0');
      expect(await page.getByTestId('tasks-total').textContent()).toBe('共 3 项待办');
      await screenshot(page, 'my-tasks.png');

      // Completing takes it off the list (a click: the row may be gone before check() could see it ticked).
      await call.getByTestId('task-complete').click();
      await page.getByTestId('toast').filter({ hasText: '已完成任务“今天下午回电”' }).waitFor();
      await call.waitFor({ state: 'detached' });
      await today.getByTestId('section-count').filter({ hasText: /^0$/ }).waitFor();
      await page.getByTestId('tasks-total').filter({ hasText: '共 2 项待办' }).waitFor();

      // A reminder a moment away: the page asks for permission once and shows it when it comes.
      const soon = await core.call('record.create', {
        entity: 'task',
        values: { title: '给张总回电话', remindAt: Date.now() + 2000, dueAt: Date.now() + HOUR, accountId },
      });
      await page.waitForFunction(() => window.__notifications.some((n) => n.title === '给张总回电话'), undefined, { timeout: 30_000 });
      const shown = await page.evaluate(() => window.__notifications.map(({ title, body, tag }) => ({ title, body, tag })));
      expect(shown).toEqual([{ title: '给张总回电话', body: expect.stringMatching(/^截止 .+ · 华为技术有限公司$/), tag: `task-reminder:${soon.id}` }]);
      expect(await page.evaluate(() => window.__permissionRequests)).toBe(1);
      // Clicking it opens the task.
      await page.evaluate(() => window.__notifications.find((n) => n.title === '给张总回电话')?.onclick?.());
      await page.getByTestId('task-detail').waitFor();
      expect(await page.getByTestId('detail-title').textContent()).toBe('给张总回电话');
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'shows a reminder that came due while no window was open once, at the next start, and not at the one after',
    async () => {
      // No window runs reminders now: one due after the stored mark is missed until the next start.
      const mark = await core.call('settings.get', { key: 'reminders.notifiedUntil' });
      expect(typeof mark).toBe('number');
      const missed = await core.call('record.create', { entity: 'task', values: { title: '错过的提醒', remindAt: (mark as number) + 1 } });
      expect(await remindersOfNewWindow('错过的提醒')).toEqual([['错过的提醒', '无截止时间', `task-reminder:${missed.id}`]]);

      // The start after that shows only what came due since (a control reminder), not the missed one again.
      const later = await core.call('settings.get', { key: 'reminders.notifiedUntil' });
      expect(later as number).toBeGreaterThan(mark as number);
      const control = await core.call('record.create', { entity: 'task', values: { title: '第二次启动时到期', remindAt: (later as number) + 1 } });
      expect(await remindersOfNewWindow('第二次启动时到期')).toEqual([['第二次启动时到期', '无截止时间', `task-reminder:${control.id}`]]);
      expect(pageErrors).toEqual([]);
    },
    TIMEOUT,
  );
});
