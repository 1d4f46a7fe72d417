import type { FormEvent, ReactNode } from 'react';
import type { SyncStatus } from '../../src-shared/api/client-api.contract';
import { locales, type Locale, type MessageKey } from '../../src-shared/i18n/index';
import { Icon } from '../components/icons';
import type { Translator } from '../i18n/use-t';

/**
 * The sign-in form and the first-sync progress as plain views: everything comes in as props (the
 * translator too), so they render without the core, in tests and in screenshots.
 */
export interface LoginValues {
  server: string;
  username: string;
  password: string;
}

export type LoginField = keyof LoginValues;

export interface LoginViewProps {
  t: Translator;
  values: LoginValues;
  busy: boolean;
  /** The sentence under the form after a failed attempt. */
  errorKey: MessageKey | null;
  /** Fields to mark: the empty ones after a submit, or the ones the core named. */
  invalid: readonly LoginField[];
  onChange(field: LoginField, value: string): void;
  onSubmit(): void;
  onLocale(locale: Locale): void;
}

const localeNames: Record<Locale, MessageKey> = { 'zh-CN': 'locale.zh-CN', en: 'locale.en' };

/** The fields a submit still lacks; the form says so before asking the core. */
export function missingLoginFields(values: LoginValues): LoginField[] {
  return (['server', 'username', 'password'] as const).filter((f) => values[f].trim() === '');
}

function Frame({ t, children, onLocale }: { t: Translator; children: ReactNode; onLocale(locale: Locale): void }) {
  return (
    <div className="login-page" data-testid="login-page">
      <div className="login-card">
        <div className="login-brand">
          <div className="brand-mark" aria-hidden="true">
            CRM
          </div>
          <span className="login-brand-name">{t('app.name')}</span>
        </div>
        {children}
      </div>
      <div className="login-locales" role="group" aria-label={t('user.language')}>
        <Icon name="globe" size={14} />
        {locales.map((l) => (
          <button key={l} type="button" className={`login-locale${l === t.locale ? ' is-active' : ''}`} aria-pressed={l === t.locale} onClick={() => onLocale(l)} data-testid={`login-lang-${l}`}>
            {t(localeNames[l])}
          </button>
        ))}
      </div>
    </div>
  );
}

/** The sign-in form, free of state and calls so it can be rendered on its own (tests, screenshots). */
export function LoginView({ t, values, busy, errorKey, invalid, onChange, onSubmit, onLocale }: LoginViewProps) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!busy) onSubmit();
  };
  const input = (field: LoginField, label: MessageKey, type: string, autoComplete: string, placeholder?: MessageKey) => {
    const bad = invalid.includes(field);
    return (
      <div className="form-row">
        <label className="form-label" htmlFor={`login-${field}`}>
          {t(label)}
        </label>
        <input
          id={`login-${field}`}
          className={`input input-large${bad ? ' is-invalid' : ''}`}
          type={type}
          value={values[field]}
          autoComplete={autoComplete}
          spellCheck={false}
          placeholder={placeholder ? t(placeholder) : undefined}
          aria-invalid={bad}
          aria-describedby={errorKey ? 'login-error' : undefined}
          disabled={busy}
          onChange={(e) => onChange(field, e.target.value)}
          data-testid={`login-${field}`}
        />
      </div>
    );
  };
  return (
    <Frame t={t} onLocale={onLocale}>
      <h1 className="login-title">{t('login.title')}</h1>
      <p className="login-subtitle">{t('login.subtitle')}</p>
      <form className="login-form" onSubmit={submit} noValidate>
        {input('server', 'login.server', 'url', 'url', 'login.server.placeholder')}
        {input('username', 'login.username', 'text', 'username')}
        {input('password', 'login.password', 'password', 'current-password')}
        {errorKey && (
          <div className="form-alert login-error" id="login-error" role="alert" data-testid="login-error">
            {t(errorKey)}
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-large login-submit" disabled={busy} data-testid="login-submit">
          {busy && <span className="spinner spinner-small spinner-on-primary" aria-hidden="true" />}
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </Frame>
  );
}

export interface InitialSyncViewProps {
  t: Translator;
  initial: NonNullable<SyncStatus['initial']>;
  /** Why the first sync is stuck, if it is: it resumes by itself, or on "retry now". */
  errorKey: MessageKey | null;
  retryText: string | null;
  retrying: boolean;
  onRetry(): void;
  onSignOut(): void;
  onLocale(locale: Locale): void;
}

/** Share of the first sync done, 0..1, or null while the server has not said how much there is. */
export function initialProgress(initial: NonNullable<SyncStatus['initial']>): number | null {
  if (initial.total === null || initial.total <= 0) return null;
  return Math.min(1, Math.max(0, initial.received / initial.total));
}

/** The first sync after sign-in: how many records have arrived of how many. */
export function InitialSyncView({ t, initial, errorKey, retryText, retrying, onRetry, onSignOut, onLocale }: InitialSyncViewProps) {
  const share = initialProgress(initial);
  const count = (n: number) => n.toLocaleString(t.locale);
  const text =
    initial.received === 0 && initial.total === null
      ? t('login.initial.starting')
      : initial.total === null
        ? t('login.initial.progressUnknown', { received: count(initial.received) })
        : t('login.initial.progress', { received: count(initial.received), total: count(initial.total) });
  return (
    <Frame t={t} onLocale={onLocale}>
      <h1 className="login-title">{t('login.initial.title')}</h1>
      <p className="login-subtitle">{t('login.initial.body')}</p>
      <div
        className={`progress${share === null ? ' is-indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={initial.total ?? undefined}
        aria-valuenow={initial.total === null ? undefined : initial.received}
        aria-valuetext={text}
        data-testid="initial-progress"
      >
        <div className="progress-bar" style={share === null ? undefined : { width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <p className="progress-text" data-testid="initial-progress-text">
        {text}
      </p>
      {errorKey && (
        <div className="form-alert login-error" role="alert" data-testid="initial-error">
          <div>{t('sync.failed', { reason: t(errorKey) })}</div>
          {retryText && <div className="login-error-note">{retryText}</div>}
        </div>
      )}
      <div className="login-actions">
        <button type="button" className="btn btn-ghost" onClick={onSignOut} data-testid="initial-sign-out">
          {t('user.signOut')}
        </button>
        {errorKey && (
          <button type="button" className="btn" onClick={onRetry} disabled={retrying} data-testid="initial-retry">
            {retrying && <span className="spinner spinner-small" aria-hidden="true" />}
            {retrying ? t('sync.retrying') : t('sync.retryNow')}
          </button>
        )}
      </div>
    </Frame>
  );
}

