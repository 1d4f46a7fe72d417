import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import { entityNames, type EntityName } from '../../src-shared/entities/index';
import { dataScopes, permissionActions, type DataScope, type FieldAccess, type RoleDefinition } from '../../src-shared/permissions/access';
import type { AdminDepartment, AdminRole, AdminUser } from '../../src-shared/sync/protocol.contract';
import { api } from '../api/client';
import {
  ROLE_CODE,
  copyCode,
  definitionOf,
  departmentTree,
  fieldLevel,
  flattenTree,
  limitedCount,
  moveTargets,
  permissionFields,
  roleLabel,
  sameDefinition,
  setFieldLevel,
  setRow,
  setScope,
  sharedEntity,
  toggleAction,
  treeRows,
  type TreeRow,
} from '../admin/admin-org-view';
import { refusalText } from '../admin/refusal-text';
import { DepartmentSelect } from '../admin/DepartmentSelect';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Icon } from '../components/icons';
import { useT, type Translator } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { useEscape } from '../state/use-escape';
import { AdminPage, AdminState, RefreshButton, useAdminQuery, useIsAdmin } from './AdminPages';
import '../styles/admin.css';
import '../styles/admin-org.css';

const toast = (key: Parameters<Translator>[0], params: Record<string, string | number>) => useApp.getState().pushToast({ kind: 'success', message: { key, params } });

/** A refusal of the server in words for a dialog, or the usual toast for anything else (null then). */
function problemOf(t: Translator, error: unknown): string | null {
  const text = error instanceof ApiError ? refusalText(t, error) : null;
  if (text === null) reportError(error);
  return text;
}

// --- 部门 ------------------------------------------------------------------------------------

type DepartmentDialog =
  | { mode: 'create'; parentId: string | null }
  | { mode: 'rename'; department: AdminDepartment }
  | { mode: 'move'; department: AdminDepartment };

export function AdminDepartmentsPage() {
  const t = useT();
  const isAdmin = useIsAdmin();
  const ask = useCallback(
    () =>
      isAdmin
        ? Promise.all([api['admin.departments']({}), api['admin.users']({})]).then(([d, u]) => ({ departments: d.departments, users: u.users }))
        : Promise.resolve({ departments: [] as AdminDepartment[], users: [] as AdminUser[] }),
    [isAdmin],
  );
  const [state, reload] = useAdminQuery(ask);
  const [dialog, setDialog] = useState<DepartmentDialog | null>(null);
  const [deleting, setDeleting] = useState<AdminDepartment | null>(null);
  const [busy, setBusy] = useState(false);
  const departments = useMemo(() => (state.status === 'ready' ? state.value.departments : []), [state]);
  const users = state.status === 'ready' ? state.value.users : [];
  const tree = useMemo(() => departmentTree(departments, t.locale), [departments, t.locale]);
  const rows = useMemo(() => treeRows(tree), [tree]);
  const unplaced = users.filter((u) => u.departmentId === null).length;

  const remove = async (department: AdminDepartment) => {
    setBusy(true);
    try {
      await api['admin.department.delete']({ id: department.id });
      toast('adminOrg.department.deleted', { name: department.name });
      setDeleting(null);
      reload();
    } catch (error) {
      const text = problemOf(t, error);
      if (text) useApp.getState().pushToast({ kind: 'error', message: { key: 'admin.failed', params: { reason: text } } });
      setDeleting(null);
      reload();
    } finally {
      setBusy(false);
    }
  };

  const actions = (
    <>
      <button type="button" className="btn btn-primary" onClick={() => setDialog({ mode: 'create', parentId: null })} data-testid="admin-dept-new">
        <Icon name="plus" size={15} />
        {t('adminOrg.departments.add')}
      </button>
      <RefreshButton onClick={reload} />
    </>
  );
  return (
    <AdminPage
      testId="admin-departments-page"
      title={t('adminOrg.departments.title')}
      count={state.status === 'ready' ? t('adminOrg.departments.count', { count: departments.length }) : undefined}
      actions={actions}
    >
      <AdminState state={state} />
      {state.status === 'ready' && departments.length === 0 && (
        <div className="card org-empty" data-testid="admin-dept-empty">
          <div className="org-empty-icon" aria-hidden="true">
            <Icon name="adminDepartments" size={34} />
          </div>
          <h2>{t('adminOrg.departments.empty.title')}</h2>
          <p>{t('adminOrg.departments.empty.body')}</p>
          <button type="button" className="btn btn-primary" onClick={() => setDialog({ mode: 'create', parentId: null })}>
            <Icon name="plus" size={15} />
            {t('adminOrg.departments.add')}
          </button>
        </div>
      )}
      {state.status === 'ready' && departments.length > 0 && (
        <>
          <p className="org-hint">{t('adminOrg.departments.hint')}</p>
          <div className="card org-tree" role="tree" aria-label={t('adminOrg.departments.title')} data-testid="admin-dept-tree">
            <div className="org-tree-row org-tree-company" role="treeitem" aria-level={1} aria-selected={false} aria-expanded>
              <span className="org-tree-name">
                <Icon name="accounts" size={16} />
                <strong>{t('adminOrg.departments.company')}</strong>
              </span>
              <span className="admin-muted org-tree-count">{t('adminOrg.departments.companyHint', { count: unplaced })}</span>
              <span className="org-tree-actions">
                <button type="button" className="btn btn-small btn-ghost" onClick={() => setDialog({ mode: 'create', parentId: null })}>
                  <Icon name="plus" size={13} />
                  {t('adminOrg.departments.addChild')}
                </button>
              </span>
            </div>
            {rows.map((row) => (
              <DepartmentRow
                key={row.node.department.id}
                row={row}
                onAdd={() => setDialog({ mode: 'create', parentId: row.node.department.id })}
                onRename={() => setDialog({ mode: 'rename', department: row.node.department })}
                onMove={() => setDialog({ mode: 'move', department: row.node.department })}
                onDelete={() => setDeleting(row.node.department)}
              />
            ))}
          </div>
        </>
      )}
      {dialog && (
        <DepartmentDialogView
          dialog={dialog}
          departments={departments}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('adminOrg.department.delete.title', { name: deleting.name })}
          confirmLabel={t('adminOrg.departments.delete')}
          danger
          busy={busy}
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
          testId="admin-dept-delete-confirm"
        >
          <p>{t('adminOrg.department.delete.body')}</p>
        </ConfirmDialog>
      )}
    </AdminPage>
  );
}

function DepartmentRow({ row, onAdd, onRename, onMove, onDelete }: { row: TreeRow; onAdd(): void; onRename(): void; onMove(): void; onDelete(): void }) {
  const t = useT();
  const { node } = row;
  const { department: d } = node;
  const deletable = node.children.length === 0 && d.userCount === 0;
  return (
    <div className="org-tree-row" role="treeitem" aria-level={node.depth + 2} aria-selected={false} data-testid="admin-dept-row" data-name={d.name} data-depth={node.depth}>
      <span className="org-tree-name">
        <span className="org-tree-guides" aria-hidden="true">
          {row.guides.map((on, i) => (
            <span key={i} className={`org-guide${on ? ' is-line' : ''}`} />
          ))}
          <span className={`org-guide org-elbow${row.last ? ' is-last' : ''}`} />
        </span>
        <Icon name="adminDepartments" size={15} />
        <span className="org-tree-label">{d.name}</span>
      </span>
      <span className="org-tree-count">
        <span className="badge badge-tone-muted" data-testid="admin-dept-users">
          {t('adminOrg.departments.users', { count: d.userCount })}
        </span>
        {node.total !== d.userCount && <span className="admin-muted">{t('adminOrg.departments.usersBelow', { count: node.total })}</span>}
      </span>
      <span className="org-tree-actions">
        <button type="button" className="btn btn-small btn-ghost" onClick={onAdd} data-testid="admin-dept-add-child">
          <Icon name="plus" size={13} />
          {t('adminOrg.departments.addChild')}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onRename} data-testid="admin-dept-rename">
          {t('adminOrg.departments.rename')}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onMove} data-testid="admin-dept-move">
          {t('adminOrg.departments.move')}
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost org-danger"
          onClick={onDelete}
          disabled={!deletable}
          title={deletable ? undefined : t('adminOrg.departments.cannotDelete')}
          data-testid="admin-dept-delete"
        >
          {t('adminOrg.departments.delete')}
        </button>
      </span>
    </div>
  );
}

/** New (under a parent), rename, or move (to any department but itself and those below it). */
function DepartmentDialogView({ dialog, departments, onClose, onSaved }: { dialog: DepartmentDialog; departments: readonly AdminDepartment[]; onClose(): void; onSaved(): void }) {
  const t = useT();
  const [name, setName] = useState(dialog.mode === 'create' ? '' : dialog.department.name);
  const [parentId, setParentId] = useState<string | null>(dialog.mode === 'create' ? dialog.parentId : dialog.department.parentId);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEscape(onClose, busy);
  const options = useMemo(() => {
    const all = flattenTree(departmentTree(departments, t.locale));
    if (dialog.mode !== 'move') return all;
    const allowed = moveTargets(dialog.department.id, departments);
    return all.filter((n) => allowed.has(n.department.id));
  }, [departments, dialog, t.locale]);
  const parentName = dialog.mode === 'create' && dialog.parentId !== null ? (departments.find((d) => d.id === dialog.parentId)?.name ?? '') : '';
  const title =
    dialog.mode === 'create'
      ? parentName
        ? t('adminOrg.department.newChild.title', { parent: parentName })
        : t('adminOrg.department.new.title')
      : t(dialog.mode === 'rename' ? 'adminOrg.department.rename.title' : 'adminOrg.department.move.title', { name: dialog.department.name });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() === '') return;
    setBusy(true);
    setProblem(null);
    try {
      if (dialog.mode === 'create') {
        const created = await api['admin.department.save']({ name: name.trim(), parentId });
        toast('adminOrg.department.created', { name: created.name });
      } else {
        const saved = await api['admin.department.save'](dialog.mode === 'rename' ? { id: dialog.department.id, name: name.trim() } : { id: dialog.department.id, parentId });
        toast('adminOrg.department.saved', { name: saved.name });
      }
      onSaved();
    } catch (error) {
      setProblem(problemOf(t, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div className="modal modal-small" role="dialog" aria-modal="true" aria-labelledby="dept-dialog-title" data-testid="admin-dept-dialog">
        <form onSubmit={(e) => void submit(e)}>
          <header className="modal-header">
            <h2 id="dept-dialog-title">{title}</h2>
          </header>
          <div className="modal-body org-dialog-body">
            {dialog.mode !== 'move' && (
              <label className="form-row">
                <span className="form-label">
                  {t('adminOrg.department.name')}
                  <span className="required">*</span>
                </span>
                <input className="input" value={name} maxLength={60} autoFocus onChange={(e) => setName(e.target.value)} data-testid="admin-dept-name" />
              </label>
            )}
            {dialog.mode !== 'rename' && (
              <label className="form-row">
                <span className="form-label">{t('adminOrg.department.parent')}</span>
                <DepartmentSelect value={parentId} options={options} noneLabel={t('adminOrg.department.parentTop')} onChange={setParentId} testId="admin-dept-parent" />
              </label>
            )}
            {dialog.mode === 'move' && <p className="form-hint org-dialog-hint">{t('adminOrg.department.moveHint')}</p>}
            {problem && (
              <p className="form-alert" role="alert" data-testid="admin-dept-problem">
                {problem}
              </p>
            )}
          </div>
          <footer className="modal-footer">
            <button type="button" className="btn" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ''} data-testid="admin-dept-save">
              {busy && <span className="spinner spinner-small" aria-hidden="true" />}
              {t('common.save')}
            </button>
          </footer>
        </form>
      </div>
    </div>
  );
}

// --- 角色与权限 ------------------------------------------------------------------------------

/** The modules in the order of the sidebar; entities added later come last. */
const ENTITY_ORDER: EntityName[] = (() => {
  const order: EntityName[] = ['account', 'contact', 'lead', 'opportunity', 'quote', 'order', 'contract', 'payment_plan', 'payment', 'activity', 'task', 'product', 'competitor', 'stage', 'pool_rule'];
  return [...order.filter((e) => entityNames.includes(e)), ...entityNames.filter((e) => !order.includes(e))];
})();

type RoleTab = 'actions' | 'fields';

export function AdminRolesPage() {
  const t = useT();
  const isAdmin = useIsAdmin();
  const ask = useCallback(() => (isAdmin ? api['admin.roles']({}) : Promise.resolve({ roles: [] as AdminRole[] })), [isAdmin]);
  const [state, reload, replace] = useAdminQuery(ask);
  const roles = useMemo(() => (state.status === 'ready' ? state.value.roles : []), [state]);
  const [selected, setSelected] = useState<string | null>(null);
  // The definition being edited, for the role (as loaded) it was started from; another role, or the
  // same one saved or reloaded, starts from what the server has.
  const [edit, setEdit] = useState<{ base: AdminRole; def: RoleDefinition } | null>(null);
  const [tab, setTab] = useState<RoleTab>('actions');
  const [pending, setPending] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const role = roles.find((r) => r.code === selected) ?? roles[0] ?? null;
  const draft = role === null ? null : edit !== null && edit.base === role ? edit.def : definitionOf(role);
  const setDraft = useCallback((def: RoleDefinition) => role && setEdit({ base: role, def }), [role]);

  const dirty = role !== null && draft !== null && !sameDefinition(definitionOf(role), draft);
  const pick = (code: string) => {
    if (code === role?.code) return;
    if (dirty) setPending(code);
    else setSelected(code);
  };
  const updated = (next: AdminRole) => {
    replace({ roles: roles.some((r) => r.code === next.code) ? roles.map((r) => (r.code === next.code ? next : r)) : [...roles, next] });
    setSelected(next.code);
  };

  const actions = (
    <>
      <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} disabled={roles.length === 0} data-testid="admin-role-new">
        <Icon name="plus" size={15} />
        {t('adminOrg.roles.new')}
      </button>
      <RefreshButton onClick={reload} />
    </>
  );
  return (
    <AdminPage testId="admin-roles-page" title={t('adminOrg.roles.title')} count={state.status === 'ready' ? t('adminOrg.roles.count', { count: roles.length }) : undefined} actions={actions}>
      <AdminState state={state} />
      {state.status === 'ready' && (
        <div className="org-roles">
          <ul className="card org-role-list" aria-label={t('adminOrg.roles.title')} data-testid="admin-role-list">
            {roles.map((r) => (
              <li key={r.code}>
                <button
                  type="button"
                  className={`org-role-item${r.code === role?.code ? ' is-active' : ''}`}
                  aria-current={r.code === role?.code ? 'true' : undefined}
                  onClick={() => pick(r.code)}
                  data-testid="admin-role-item"
                  data-code={r.code}
                >
                  <span className="org-role-item-name">{roleLabel(t, r)}</span>
                  <span className="org-role-item-meta">
                    <span className={`badge badge-tone-${r.builtin ? 'muted' : 'info'}`}>{t(r.builtin ? 'adminOrg.roles.builtin' : 'adminOrg.roles.custom')}</span>
                    {r.customized && <span className="badge badge-tone-warning">{t('adminOrg.roles.customized')}</span>}
                    {r.admin && <span className="badge badge-tone-danger">{t('adminOrg.roles.adminFlag')}</span>}
                    <span className="admin-muted org-role-item-users">{t('adminOrg.roles.users', { count: r.userCount })}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {role && draft ? (
            <RoleEditor
              key={role.code}
              role={role}
              draft={draft}
              setDraft={setDraft}
              dirty={dirty}
              tab={tab}
              setTab={setTab}
              onSaved={updated}
              onDeleted={() => {
                setSelected(null);
                replace({ roles: roles.filter((r) => r.code !== role.code) });
              }}
            />
          ) : (
            <div className="card card-message">{t('adminOrg.roles.pick')}</div>
          )}
        </div>
      )}
      {pending && (
        <ConfirmDialog
          title={t('adminOrg.role.unsaved')}
          confirmLabel={t('adminOrg.role.discard')}
          danger
          onConfirm={() => {
            setSelected(pending);
            setPending(null);
          }}
          onCancel={() => setPending(null)}
          testId="admin-role-discard-confirm"
        >
          <p>{role ? roleLabel(t, role) : ''}</p>
        </ConfirmDialog>
      )}
      {creating && role && (
        <NewRoleDialog
          roles={roles}
          from={role}
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            updated(created);
            setTab('actions');
          }}
        />
      )}
    </AdminPage>
  );
}

interface EditorProps {
  role: AdminRole;
  draft: RoleDefinition;
  setDraft(def: RoleDefinition): void;
  dirty: boolean;
  tab: RoleTab;
  setTab(tab: RoleTab): void;
  onSaved(role: AdminRole): void;
  onDeleted(): void;
}

function RoleEditor({ role, draft, setDraft, dirty, tab, setTab, onSaved, onDeleted }: EditorProps) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'reset' | 'delete' | null>(null);
  const label = roleLabel(t, role);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem(problemOf(t, error));
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };
  const save = () =>
    run(async () => {
      const saved = await api['admin.role.save']({ code: role.code, definition: draft });
      toast('adminOrg.role.saved', { name: roleLabel(t, saved) });
      onSaved(saved);
    });
  const reset = () =>
    run(async () => {
      const saved = await api['admin.role.reset']({ code: role.code });
      toast('adminOrg.role.resetDone', { name: roleLabel(t, saved) });
      onSaved(saved);
    });
  const remove = () =>
    run(async () => {
      await api['admin.role.delete']({ code: role.code });
      toast('adminOrg.role.deleted', { name: label });
      onDeleted();
    });

  return (
    <section className="card org-role-editor" aria-label={label} data-testid="admin-role-editor" data-code={role.code}>
      <header className="org-role-head">
        <div className="org-role-title">
          {role.builtin ? (
            <h2>{label}</h2>
          ) : (
            <input
              className="input org-role-name"
              value={draft.name}
              maxLength={60}
              aria-label={t('adminOrg.role.name')}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              data-testid="admin-role-name"
            />
          )}
          <code className="org-role-code" title={t('adminOrg.role.code')}>
            {role.code}
          </code>
          <span className={`badge badge-tone-${role.builtin ? 'muted' : 'info'}`}>{t(role.builtin ? 'adminOrg.roles.builtin' : 'adminOrg.roles.custom')}</span>
          {role.customized && <span className="badge badge-tone-warning">{t('adminOrg.roles.customized')}</span>}
        </div>
        <div className="org-role-flags">
          <label className="org-flag">
            <input type="checkbox" checked={draft.admin} onChange={(e) => setDraft({ ...draft, admin: e.target.checked })} data-testid="admin-role-admin" />
            <span>
              <strong>{t('adminOrg.role.admin')}</strong>
              <span className="admin-muted">{t('adminOrg.role.adminHint')}</span>
            </span>
          </label>
          <label className="org-flag">
            <input type="checkbox" checked={draft.pool} onChange={(e) => setDraft({ ...draft, pool: e.target.checked })} data-testid="admin-role-pool" />
            <span>
              <strong>{t('adminOrg.role.pool')}</strong>
              <span className="admin-muted">{t('adminOrg.role.poolHint')}</span>
            </span>
          </label>
        </div>
      </header>
      <div className="detail-tabs org-role-tabs" role="tablist">
        {(['actions', 'fields'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={`detail-tab${tab === name ? ' is-active' : ''}`}
            onClick={() => setTab(name)}
            data-testid={`admin-role-tab-${name}`}
          >
            {t(name === 'actions' ? 'adminOrg.role.tab.actions' : 'adminOrg.role.tab.fields')}
          </button>
        ))}
      </div>
      <div className="org-role-body" role="tabpanel">
        {tab === 'actions' ? <ActionMatrix draft={draft} setDraft={setDraft} /> : <FieldPermissions draft={draft} setDraft={setDraft} />}
      </div>
      {problem && (
        <p className="form-alert org-role-problem" role="alert" data-testid="admin-role-problem">
          {problem}
        </p>
      )}
      <footer className="org-role-foot">
        <span className="admin-muted org-role-effect">{dirty ? <strong className="org-unsaved">{t('adminOrg.role.unsaved')}</strong> : null} {t('adminOrg.role.effect', { count: role.userCount })}</span>
        {role.builtin ? (
          <button type="button" className="btn" onClick={() => setConfirm('reset')} disabled={busy || !role.customized} data-testid="admin-role-reset">
            {t('adminOrg.role.reset')}
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-danger-outline"
            onClick={() => setConfirm('delete')}
            disabled={busy || role.userCount > 0}
            title={role.userCount > 0 ? t('adminOrg.role.inUse', { count: role.userCount }) : undefined}
            data-testid="admin-role-delete"
          >
            {t('adminOrg.role.delete')}
          </button>
        )}
        <button type="button" className="btn" onClick={() => setDraft(definitionOf(role))} disabled={busy || !dirty} data-testid="admin-role-discard">
          {t('adminOrg.role.discard')}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={busy || !dirty || draft.name.trim() === ''} data-testid="admin-role-save">
          {busy && <span className="spinner spinner-small" aria-hidden="true" />}
          {t('common.save')}
        </button>
      </footer>
      {confirm === 'reset' && (
        <ConfirmDialog
          title={t('adminOrg.role.reset.title', { name: label })}
          confirmLabel={t('adminOrg.role.reset')}
          busy={busy}
          onConfirm={() => void reset()}
          onCancel={() => setConfirm(null)}
          testId="admin-role-reset-confirm"
        >
          <p>{t('adminOrg.role.reset.body', { count: role.userCount })}</p>
        </ConfirmDialog>
      )}
      {confirm === 'delete' && (
        <ConfirmDialog
          title={t('adminOrg.role.delete.title', { name: label })}
          confirmLabel={t('adminOrg.role.delete')}
          danger
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setConfirm(null)}
          testId="admin-role-delete-confirm"
        >
          <p>{t('adminOrg.role.delete.body')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Modules × actions as checkboxes, and each module's data scope. */
function ActionMatrix({ draft, setDraft }: { draft: RoleDefinition; setDraft(def: RoleDefinition): void }) {
  const t = useT();
  return (
    <table className="org-matrix" data-testid="admin-role-matrix">
      <thead>
        <tr>
          <th scope="col">{t('adminOrg.role.col.entity')}</th>
          {permissionActions.map((a) => (
            <th key={a} scope="col" className="org-matrix-check">
              {t(`adminOrg.action.${a}`)}
            </th>
          ))}
          <th scope="col">{t('adminOrg.role.col.scope')}</th>
        </tr>
      </thead>
      <tbody>
        {ENTITY_ORDER.map((entity) => {
          const grant = draft.entities[entity];
          const entityLabel = t.dyn(`entity.${entity}`);
          const all = grant !== undefined && grant.actions.length === permissionActions.length;
          return (
            <tr key={entity} className={grant ? undefined : 'is-off'} data-testid="admin-role-matrix-row" data-entity={entity}>
              <th scope="row">
                <label className="org-matrix-entity" title={t('adminOrg.role.rowAll')}>
                  <input type="checkbox" checked={all} onChange={(e) => setDraft(setRow(draft, entity, e.target.checked))} aria-label={`${entityLabel} · ${t('adminOrg.role.rowAll')}`} />
                  <span>{entityLabel}</span>
                </label>
              </th>
              {permissionActions.map((a) => (
                <td key={a} className="org-matrix-check">
                  <input
                    type="checkbox"
                    checked={grant?.actions.includes(a) ?? false}
                    onChange={(e) => setDraft(toggleAction(draft, entity, a, e.target.checked))}
                    aria-label={`${entityLabel} · ${t(`adminOrg.action.${a}`)}`}
                    data-testid={`perm-${entity}-${a}`}
                  />
                </td>
              ))}
              <td className="org-matrix-scope">
                {!grant ? (
                  <span className="admin-muted">{t('adminOrg.role.noAccess')}</span>
                ) : sharedEntity(entity) ? (
                  <span className="admin-muted" title={t('adminOrg.role.scopeSharedHint')}>
                    {t('adminOrg.role.scopeShared')}
                  </span>
                ) : (
                  <select
                    className="input input-small"
                    value={grant.scope}
                    onChange={(e) => setDraft(setScope(draft, entity, e.target.value as DataScope))}
                    aria-label={`${entityLabel} · ${t('adminOrg.role.col.scope')}`}
                    data-testid={`scope-${entity}`}
                  >
                    {dataScopes.map((s) => (
                      <option key={s} value={s}>
                        {t(`adminOrg.scope.${s}`)}
                      </option>
                    ))}
                  </select>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const LEVELS: FieldAccess[] = ['editable', 'readonly', 'hidden'];

/** Pick a module, then each of its fields: 可编辑 / 只读 / 隐藏 (the title field cannot be hidden). */
function FieldPermissions({ draft, setDraft }: { draft: RoleDefinition; setDraft(def: RoleDefinition): void }) {
  const t = useT();
  const [entity, setEntity] = useState<EntityName>(ENTITY_ORDER[0]!);
  const fields = useMemo(() => permissionFields(entity), [entity]);
  const readable = draft.entities[entity]?.actions.includes('read') ?? false;
  return (
    <div className="org-fields" data-testid="admin-role-fields">
      <ul className="org-field-entities" aria-label={t('adminOrg.role.col.entity')}>
        {ENTITY_ORDER.map((e) => {
          const limited = limitedCount(draft, e);
          return (
            <li key={e}>
              <button type="button" className={`org-field-entity${e === entity ? ' is-active' : ''}`} aria-current={e === entity ? 'true' : undefined} onClick={() => setEntity(e)} data-testid="admin-role-field-entity" data-entity={e}>
                <span>{t.dyn(`entity.${e}`)}</span>
                {limited > 0 && <span className="org-field-limited">{t('adminOrg.role.fields.limited', { count: limited })}</span>}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="org-field-panel">
        <p className="org-hint">{t('adminOrg.role.fields.hint')}</p>
        {!readable && <p className="org-notice">{t('adminOrg.role.fields.noRead', { entity: t.dyn(`entity.${entity}`) })}</p>}
        <div className="org-field-grid">
          {fields.map((f) => {
            const level = fieldLevel(draft, entity, f.name);
            const label = t.field(entity, f.name);
            return (
              <div key={f.name} className={`org-field-item${level === 'editable' ? '' : ' is-limited'}`} data-testid="admin-role-field" data-field={f.name} data-level={level}>
                <span className="org-field-name" title={label}>
                  {label}
                  {!f.canHide && (
                    <span className="org-field-lock" title={t('adminOrg.field.cannotHide')}>
                      <Icon name="lock" size={11} />
                    </span>
                  )}
                </span>
                <div className="segmented org-levels" role="radiogroup" aria-label={label}>
                  {LEVELS.map((l) => {
                    const blocked = l === 'hidden' && !f.canHide;
                    return (
                      <button
                        key={l}
                        type="button"
                        role="radio"
                        aria-checked={level === l}
                        className={`${level === l ? 'is-active' : ''} org-level-${l}`}
                        disabled={blocked}
                        title={blocked ? t('adminOrg.field.cannotHide') : undefined}
                        onClick={() => setDraft(setFieldLevel(draft, entity, f.name, l))}
                        data-testid={`level-${l}`}
                      >
                        {t(`adminOrg.field.${l}`)}
                      </button>
                    );
                  })}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** A custom role, starting as a copy of another's permissions. */
function NewRoleDialog({ roles, from, onClose, onCreated }: { roles: readonly AdminRole[]; from: AdminRole; onClose(): void; onCreated(role: AdminRole): void }) {
  const t = useT();
  const [source, setSource] = useState(from.code);
  const sourceRole = roles.find((r) => r.code === source) ?? from;
  const [code, setCode] = useState(() => copyCode(from.code, roles.map((r) => r.code)));
  const [name, setName] = useState(() => t('adminOrg.role.copyName', { name: roleLabel(t, from) }));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEscape(onClose, busy);
  const codeValid = ROLE_CODE.test(code);

  const changeSource = (next: string) => {
    const role = roles.find((r) => r.code === next);
    setSource(next);
    if (role) {
      setCode(copyCode(role.code, roles.map((r) => r.code)));
      setName(t('adminOrg.role.copyName', { name: roleLabel(t, role) }));
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!codeValid || name.trim() === '') return;
    setBusy(true);
    setProblem(null);
    try {
      const created = await api['admin.role.save']({ code, definition: { ...definitionOf(sourceRole), name: name.trim() }, create: true });
      toast('adminOrg.role.created', { name: created.name });
      onCreated(created);
    } catch (error) {
      setProblem(problemOf(t, error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div className="modal modal-small" role="dialog" aria-modal="true" aria-labelledby="role-new-title" data-testid="admin-role-new-dialog">
        <form onSubmit={(e) => void submit(e)}>
          <header className="modal-header">
            <h2 id="role-new-title">{t('adminOrg.role.new.title')}</h2>
          </header>
          <div className="modal-body org-dialog-body">
            <label className="form-row">
              <span className="form-label">{t('adminOrg.role.new.copyFrom')}</span>
              <select className="input" value={source} onChange={(e) => changeSource(e.target.value)} data-testid="admin-role-new-from">
                {roles.map((r) => (
                  <option key={r.code} value={r.code}>
                    {roleLabel(t, r)}
                  </option>
                ))}
              </select>
            </label>
            <label className="form-row">
              <span className="form-label">
                {t('adminOrg.role.name')}
                <span className="required">*</span>
              </span>
              <input className="input" value={name} maxLength={60} onChange={(e) => setName(e.target.value)} data-testid="admin-role-new-name" />
            </label>
            <label className="form-row">
              <span className="form-label">
                {t('adminOrg.role.code')}
                <span className="required">*</span>
              </span>
              <input className={`input org-code-input${codeValid ? '' : ' is-invalid'}`} value={code} maxLength={40} onChange={(e) => setCode(e.target.value.trim())} data-testid="admin-role-new-code" />
              <span className="form-hint">{t('adminOrg.role.codeHint')}</span>
            </label>
            <p className="form-hint org-dialog-hint">{t('adminOrg.role.new.hint')}</p>
            {problem && (
              <p className="form-alert" role="alert" data-testid="admin-role-new-problem">
                {problem}
              </p>
            )}
          </div>
          <footer className="modal-footer">
            <button type="button" className="btn" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || !codeValid || name.trim() === ''} data-testid="admin-role-new-create">
              {busy && <span className="spinner spinner-small" aria-hidden="true" />}
              {t('adminOrg.role.new.create')}
            </button>
          </footer>
        </form>
      </div>
    </div>
  );
}
