import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { makeTranslator } from '../../src-renderer/i18n/use-t';
import { InitialSyncView, LoginView, initialProgress, missingLoginFields, type LoginViewProps } from '../../src-renderer/pages/LoginView';

/**
 * The sign-in screen and the first-sync progress as the user sees them, rendered without a core:
 * the views take everything as props, so each state (busy, refused, half-way) can be checked here.
 */
const noop = () => undefined;

function login(props: Partial<LoginViewProps> & Pick<LoginViewProps, 't'>): string {
  return renderToStaticMarkup(
    createElement(LoginView, {
      values: { server: 'https://crm.example.com', username: '', password: '' },
      busy: false,
      errorKey: null,
      invalid: [],
      onChange: noop,
      onSubmit: noop,
      onLocale: noop,
      ...props,
    }),
  );
}

function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe('sign-in screen', () => {
  it('asks for server, user name and password, with the last server filled in, in Chinese', () => {
    const html = login({ t: makeTranslator('zh-CN') });
    expect(text(html)).toContain('登录同步服务器');
    for (const label of ['服务器地址', '用户名', '密码']) expect(text(html)).toContain(label);
    expect(html).toContain('value="https://crm.example.com"');
    expect(html).toContain('type="password"');
    expect(text(html)).toContain('登录');
    expect(html).not.toContain('data-testid="login-error"');
  });

  it('says why a sign-in failed under the form, and marks the fields concerned', () => {
    const zh = login({ t: makeTranslator('zh-CN'), errorKey: 'sync.error.authFailed', invalid: ['password'] });
    expect(zh).toContain('data-testid="login-error"');
    expect(text(zh)).toContain('用户名或密码不正确');
    expect(zh).toMatch(/class="input input-large is-invalid"[^>]*data-testid="login-password"/);
    const en = login({ t: makeTranslator('en'), errorKey: 'sync.error.appTooOld' });
    expect(text(en)).toContain('This version of the app is too old to sync with the server. Please update the app.');
  });

  it('shows the busy state while signing in and keeps the inputs from changing meanwhile', () => {
    const html = login({ t: makeTranslator('en'), busy: true });
    expect(text(html)).toContain('Signing in…');
    expect(html).toMatch(/data-testid="login-submit"/);
    expect(html).toMatch(/<button type="submit"[^>]*disabled=""/);
    expect((html.match(/<input[^>]*disabled=""/g) ?? []).length).toBe(3);
  });

  it('knows which fields are still empty', () => {
    expect(missingLoginFields({ server: ' ', username: 'zhangwei', password: '' })).toEqual(['server', 'password']);
    expect(missingLoginFields({ server: 'crm.example.com', username: 'zhangwei', password: 'x' })).toEqual([]);
  });
});

describe('first sync progress', () => {
  const view = (initial: { received: number; total: number | null }, locale: 'zh-CN' | 'en', errorKey: 'sync.error.offline' | null = null) =>
    renderToStaticMarkup(
      createElement(InitialSyncView, { t: makeTranslator(locale), initial, errorKey, retryText: errorKey ? 'Retrying in 30 seconds' : null, retrying: false, onRetry: noop, onSignOut: noop, onLocale: noop }),
    );

  it('counts records received of the total, grouped for reading', () => {
    expect(text(view({ received: 12_500, total: 48_000 }, 'zh-CN'))).toContain('已接收 12,500 / 48,000 条记录');
    expect(text(view({ received: 12_500, total: 48_000 }, 'en'))).toContain('12,500 of 48,000 records received');
    expect(view({ received: 12_500, total: 48_000 }, 'en')).toContain('width:26.0%');
  });

  it('says it is connecting before anything arrived, and counts without a total when the server gave none', () => {
    expect(text(view({ received: 0, total: null }, 'zh-CN'))).toContain('正在连接服务器');
    expect(text(view({ received: 300, total: null }, 'en'))).toContain('300 records received');
    expect(view({ received: 300, total: null }, 'en')).toContain('is-indeterminate');
  });

  it('shows why it is stuck, with a retry', () => {
    const html = view({ received: 5000, total: 48_000 }, 'en', 'sync.error.offline');
    expect(text(html)).toContain('Sync failed: Cannot reach the sync server right now');
    expect(text(html)).toContain('Retrying in 30 seconds');
    expect(html).toContain('data-testid="initial-retry"');
  });

  it('turns the counts into a share, never past the ends', () => {
    expect(initialProgress({ received: 50, total: 200 })).toBe(0.25);
    expect(initialProgress({ received: 250, total: 200 })).toBe(1);
    expect(initialProgress({ received: 10, total: null })).toBeNull();
    expect(initialProgress({ received: 0, total: 0 })).toBeNull();
  });
});
