import { useEffect, useRef, useState } from 'react';
import type { SyncStatus } from '../../src-shared/api/client-api.contract';
import type { Locale, MessageKey } from '../../src-shared/i18n/index';
import { api } from '../api/client';
import { useSignOut } from '../components/SignOut';
import { formatTimeUntil } from '../format/relative-time';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { useNow } from '../state/use-now';
import { refreshSession, syncNow } from '../sync/sync-actions';
import { loginErrorKey, loginIssueFields, signedOutReasonKey, syncErrorKey } from '../sync/sync-text';
import { InitialSyncView, LoginView, missingLoginFields, type LoginField, type LoginValues } from './LoginView';

function useLocaleChoice(): (next: Locale) => void {
  const setLocale = useApp((s) => s.setLocale);
  const locale = useApp((s) => s.locale);
  return (next) => {
    if (next === locale) return;
    setLocale(next);
    api['settings.set']({ key: 'ui.locale', value: next }).catch(reportError);
  };
}

/**
 * What the app shows while nobody is signed in to the configured server, and while the first
 * sync after sign-in fills the replica: there is nothing of the user's to work on before that.
 */
export function LoginScreen() {
  const sync = useApp((s) => s.sync);
  if (sync?.initial) return <InitialSyncScreen sync={sync} initial={sync.initial} />;
  return <SignInScreen lastServer={sync?.server ?? ''} lastUsername={sync?.lastUsername ?? ''} notice={signedOutReasonKey(sync)} />;
}

/**
 * `notice`: why the core signed this device out by itself, shown until the user tries again.
 * `lastUsername`: after an expired session, the same user signs in again (their unsent changes wait).
 */
function SignInScreen({ lastServer, lastUsername, notice }: { lastServer: string; lastUsername: string; notice: MessageKey | null }) {
  const t = useT();
  const onLocale = useLocaleChoice();
  const [values, setValues] = useState<LoginValues>({ server: lastServer, username: lastUsername, password: '' });
  const [busy, setBusy] = useState(false);
  const [errorKey, setErrorKey] = useState<MessageKey | null>(null);
  const [tried, setTried] = useState(false);
  const [invalid, setInvalid] = useState<LoginField[]>([]);

  // The caret goes where the next keystroke belongs, the first refused or empty field: on first
  // show and after an attempt ends, not on every keystroke (so the fields are read through a ref).
  const latest = useRef({ values, invalid });
  useEffect(() => {
    latest.current = { values, invalid };
  });
  useEffect(() => {
    if (busy) return;
    const { values: now, invalid: marked } = latest.current;
    const target = marked[0] ?? (errorKey === 'sync.error.authFailed' ? 'password' : null) ?? missingLoginFields(now)[0];
    if (target) document.getElementById(`login-${target}`)?.focus();
  }, [busy, errorKey]);

  const change = (field: LoginField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setInvalid((fields) => fields.filter((f) => f !== field));
  };

  const submit = async () => {
    const missing = missingLoginFields(values);
    if (missing.length > 0) {
      setInvalid(missing);
      setErrorKey('login.error.validation');
      return;
    }
    setBusy(true);
    setTried(true);
    setErrorKey(null);
    setInvalid([]);
    try {
      await api['sync.login']({ server: values.server.trim(), username: values.username.trim(), password: values.password });
      await refreshSession();
    } catch (error) {
      setErrorKey(loginErrorKey(error));
      setInvalid(loginIssueFields(error));
      // The password is asked again after a refusal; the address and name stay for a retry.
      setValues((v) => ({ ...v, password: '' }));
    } finally {
      setBusy(false);
    }
  };

  return <LoginView t={t} values={values} busy={busy} errorKey={errorKey ?? (tried ? null : notice)} invalid={invalid} onChange={change} onSubmit={() => void submit()} onLocale={onLocale} />;
}

function InitialSyncScreen({ sync, initial }: { sync: SyncStatus; initial: NonNullable<SyncStatus['initial']> }) {
  const t = useT();
  const onLocale = useLocaleChoice();
  const [retrying, setRetrying] = useState(false);
  const errorKey = syncErrorKey(sync);
  const now = useNow(1000, errorKey !== null && sync.retryAt !== null);
  const retryText = errorKey && sync.retryAt !== null ? t('sync.retryWhen', { when: formatTimeUntil(sync.retryAt, now, t.locale) }) : null;

  const retry = () => {
    setRetrying(true);
    void syncNow().finally(() => setRetrying(false));
  };
  const signOut = useSignOut();

  return (
    <>
      <InitialSyncView t={t} initial={initial} errorKey={errorKey} retryText={retryText} retrying={retrying || sync.state === 'syncing'} onRetry={retry} onSignOut={signOut.start} onLocale={onLocale} />
      {signOut.dialog}
    </>
  );
}
