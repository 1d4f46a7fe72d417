import { useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import type { AdminDepartment, AdminRole, AdminUser, AdminUserUpdate } from '../../src-shared/sync/protocol.contract';
import { api } from '../api/client';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { useEscape } from '../state/use-escape';
import { departmentTree, flattenTree, managerCandidates, roleLabel } from './admin-org-view';
import { refusalText } from './refusal-text';
import { DepartmentSelect } from './DepartmentSelect';

interface Props {
  user: AdminUser;
  users: readonly AdminUser[];
  departments: readonly AdminDepartment[];
  roles: readonly AdminRole[];
  onClose(): void;
  onSaved(user: AdminUser): void;
}

/**
 * An administrator changes a user's name, department, manager, roles and whether the account is
 * disabled. The pickers offer only what the server accepts: no manager who reports to the user,
 * at least one role; one's own account cannot be disabled. What changed is sent, nothing else.
 */
export function UserEditDialog({ user, users, departments, roles, onClose, onSaved }: Props) {
  const t = useT();
  const selfId = useApp((s) => s.info?.session?.id ?? null);
  const [name, setName] = useState(user.name);
  const [departmentId, setDepartmentId] = useState<string | null>(user.departmentId);
  const [managerId, setManagerId] = useState<string | null>(user.managerId);
  const [picked, setPicked] = useState<string[]>(user.roles);
  const [disabled, setDisabled] = useState(user.disabledAt !== null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEscape(onClose, busy);

  const tree = useMemo(() => flattenTree(departmentTree(departments, t.locale)), [departments, t.locale]);
  const managers = useMemo(() => {
    const collator = new Intl.Collator(t.locale);
    return managerCandidates(user.id, users).sort((a, b) => collator.compare(a.name, b.name));
  }, [user.id, users, t.locale]);
  const self = user.id === selfId;

  const toggleRole = (code: string, on: boolean) => setPicked((list) => (on ? [...list.filter((c) => c !== code), code] : list.filter((c) => c !== code)));

  const change: AdminUserUpdate = {
    ...(name.trim() !== user.name ? { name: name.trim() } : {}),
    ...(departmentId !== user.departmentId ? { departmentId } : {}),
    ...(managerId !== user.managerId ? { managerId } : {}),
    ...(picked.join(',') !== user.roles.join(',') ? { roles: picked } : {}),
    ...(disabled !== (user.disabledAt !== null) ? { disabled } : {}),
  };
  const dirty = Object.keys(change).length > 0;
  const invalid = picked.length === 0 || name.trim() === '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!dirty || invalid) return;
    setBusy(true);
    setProblem(null);
    try {
      const saved = await api['admin.user.update']({ userId: user.id, change });
      useApp.getState().pushToast({ kind: 'success', message: { key: 'adminOrg.user.saved', params: { name: saved.name } } });
      onSaved(saved);
    } catch (error) {
      const text = error instanceof ApiError ? refusalText(t, error) : null;
      if (text) setProblem(text);
      else reportError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div className="modal modal-medium" role="dialog" aria-modal="true" aria-labelledby="user-edit-title" data-testid="admin-user-dialog">
        <form onSubmit={(e) => void submit(e)}>
          <header className="modal-header">
            <h2 id="user-edit-title">{t('adminOrg.user.edit.title', { name: user.name })}</h2>
            <span className="admin-muted">{user.username}</span>
          </header>
          <div className="modal-body">
            <div className="form-grid org-user-form">
              <label className="form-row">
                <span className="form-label">{t('adminOrg.user.name')}</span>
                <input className={`input${name.trim() === '' ? ' is-invalid' : ''}`} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} data-testid="admin-user-name" />
              </label>
              <label className="form-row">
                <span className="form-label">{t('adminOrg.user.department')}</span>
                <DepartmentSelect value={departmentId} options={tree} noneLabel={t('adminOrg.user.noDepartment')} onChange={setDepartmentId} testId="admin-user-department" />
              </label>
              <label className="form-row is-wide">
                <span className="form-label">
                  {t('adminOrg.user.manager')}
                  <span className="form-label-note">{t('adminOrg.user.managerHint')}</span>
                </span>
                <select className="input" value={managerId ?? ''} onChange={(e) => setManagerId(e.target.value === '' ? null : e.target.value)} data-testid="admin-user-manager">
                  <option value="">{t('adminOrg.user.noManager')}</option>
                  {managers.map((u) => (
                    <option key={u.id} value={u.id}>
                      {`${u.name}（${u.username}）`}
                    </option>
                  ))}
                </select>
              </label>
              <fieldset className="form-row is-wide org-roles-field">
                <legend className="form-label">
                  {t('adminOrg.user.roles')}
                  <span className="form-label-note">{t('adminOrg.user.rolesHint')}</span>
                </legend>
                <div className="org-role-picks" data-testid="admin-user-roles">
                  {roles.map((r) => {
                    const on = picked.includes(r.code);
                    return (
                      <label key={r.code} className={`org-role-pick${on ? ' is-on' : ''}`} data-code={r.code}>
                        <input type="checkbox" checked={on} onChange={(e) => toggleRole(r.code, e.target.checked)} />
                        <span>{roleLabel(t, r)}</span>
                        {picked[0] === r.code && <span className="chip chip-small">{t('adminOrg.user.primary')}</span>}
                      </label>
                    );
                  })}
                </div>
                {picked.length === 0 && <span className="field-error">{t('adminOrg.user.rolesRequired')}</span>}
              </fieldset>
              <div className="form-row is-wide">
                <label className="checkbox" title={self ? t('adminOrg.user.selfDisable') : undefined}>
                  <input type="checkbox" checked={disabled} disabled={self} onChange={(e) => setDisabled(e.target.checked)} data-testid="admin-user-disabled" />
                  <span>{t('adminOrg.user.disabled')}</span>
                </label>
                <span className="form-hint">{self ? t('adminOrg.user.selfDisable') : t('adminOrg.user.disabledHint')}</span>
              </div>
            </div>
            {problem && (
              <p className="form-alert" role="alert" data-testid="admin-user-problem">
                {problem}
              </p>
            )}
          </div>
          <footer className="modal-footer">
            <button type="button" className="btn" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || !dirty || invalid} data-testid="admin-user-save">
              {busy && <span className="spinner spinner-small" aria-hidden="true" />}
              {t('common.save')}
            </button>
          </footer>
        </form>
      </div>
    </div>
  );
}
