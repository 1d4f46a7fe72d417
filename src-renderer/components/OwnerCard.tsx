import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import type { EntityName } from '../../src-shared/entities/index';
import type { MessageKey } from '../../src-shared/i18n/index';
import { errorMessageKey } from '../../src-shared/result';
import { api } from '../api/client';
import { useT } from '../i18n/use-t';
import { useCan } from '../state/access';
import { reportError, useApp } from '../state/app.store';
import { canReassign, leavesMyReplica, ownerCandidates, userDetail, userName, type DirectoryUser } from '../state/directory';
import { useDirectory, useUserLookup } from '../state/directory.store';
import { Icon } from './icons';
import { titleOf } from './RecordSections';
import { useEscape } from '../state/use-escape';

/** Who is signed in, as the directory and the visibility rules need it; null when not signed in. */
function useMe(): { id: string; role: string } | null {
  const session = useApp((s) => s.info?.session ?? null);
  return useMemo(() => (session ? { id: session.id, role: session.role } : null), [session]);
}

function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? '?').toUpperCase();
}

export interface Reassigned {
  ownerId: string;
  ownerName: string;
  /** The record leaves this device at the next sync (a rep handed it away). */
  leaves: boolean;
  /** The "handed to" toast, replaced by the page's own once the record has left. */
  toastId: number;
}

/** The sentences of the reassign dialog: an account's name its contacts; other records speak of themselves. */
interface ReassignText {
  hint: MessageKey;
  title: MessageKey;
  subtitle: MessageKey;
  leaves: MessageKey;
  stays: MessageKey;
  done: MessageKey;
}
const accountText: ReassignText = {
  hint: 'owner.reassign.hint',
  title: 'owner.reassign.title',
  subtitle: 'owner.reassign.subtitle',
  leaves: 'owner.reassign.leaves',
  stays: 'owner.reassign.stays',
  done: 'owner.reassigned',
};
const recordText: ReassignText = {
  hint: 'owner.record.hint',
  title: 'owner.record.title',
  subtitle: 'owner.record.subtitle',
  leaves: 'owner.record.leaves',
  stays: 'owner.record.stays',
  done: 'owner.record.reassigned',
};

interface OwnerCardProps {
  record: RecordData;
  /** The record's kind; default an account. */
  entity?: EntityName;
  /**
   * A record that goes with a parent (a quote with its account) is its parent's owner's: the card
   * names that person and offers no 转交 of its own.
   */
  followsParent?: boolean;
  onReassigned?(result: Reassigned): void;
}

/**
 * 负责人 on a record's page: the owner's name, role and department, and 转交 to hand the record
 * (an account with its contacts) to another active user through record.update { ownerId }.
 */
export function OwnerCard({ record, entity = 'account', followsParent = false, onReassigned }: OwnerCardProps) {
  const t = useT();
  const lookup = useUserLookup();
  const users = useDirectory((s) => s.users);
  const loaded = useDirectory((s) => s.loaded);
  const me = useMe();
  const [picking, setPicking] = useState(false);
  const ownerId = typeof record.ownerId === 'string' ? record.ownerId : '';
  const owner = lookup(ownerId);
  const name = loaded || owner ? userName(lookup, ownerId) : '…';
  const detail = userDetail(t, owner);
  // An account in the pool changes hands by being claimed (the pool card), not by reassigning.
  const possible = canReassign(users, ownerId) && record.poolState !== 'pool';
  const text = entity === 'account' ? accountText : recordText;
  // Giving a record to someone else is the `assign` permission; without it there is nothing to offer.
  const canAssign = useCan(entity, 'assign');

  return (
    <section className="card related-card owner-card" data-testid={entity === 'account' ? 'account-owner' : 'record-owner'}>
      <header className="card-header">
        <h2 className="card-title">{t('owner.title')}</h2>
        {!followsParent && canAssign && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setPicking(true)}
            disabled={!possible}
            title={possible ? t(text.hint) : me ? t('owner.reassign.none') : t('owner.reassign.signIn')}
            data-testid="owner-reassign"
          >
            <Icon name="refresh" size={14} />
            {t('owner.reassign')}
          </button>
        )}
      </header>
      <div className="owner-person">
        <span className="avatar avatar-small" aria-hidden="true">
          {initial(name)}
        </span>
        <div className="owner-text">
          <div className="owner-name">
            <span data-testid="owner-name" title={detail ? `${name} · ${detail}` : undefined}>
              {name}
            </span>
            {me && ownerId === me.id && <span className="chip chip-small">{t('owner.me')}</span>}
          </div>
          {detail && (
            <div className="owner-meta" data-testid="owner-meta">
              {detail}
            </div>
          )}
          {followsParent && <div className="owner-meta">{t('owner.followsParent')}</div>}
        </div>
      </div>
      {picking && (
        <ReassignDialog
          entity={entity}
          text={text}
          record={record}
          users={users}
          me={me}
          onCancel={() => setPicking(false)}
          onDone={(result) => {
            setPicking(false);
            onReassigned?.(result);
          }}
        />
      )}
    </section>
  );
}

interface ReassignDialogProps {
  entity: EntityName;
  text: ReassignText;
  record: RecordData;
  users: DirectoryUser[];
  me: { id: string; role: string } | null;
  onCancel(): void;
  onDone(result: Reassigned): void;
}

/** A searchable list of active users (name, role, department); the choice is confirmed in the same dialog. */
function ReassignDialog({ entity, text, record, users, me, onCancel, onDone }: ReassignDialogProps) {
  const t = useT();
  const pushToast = useApp((s) => s.pushToast);
  const listId = useId();
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const currentId = typeof record.ownerId === 'string' ? record.ownerId : '';
  const title = titleOf(entity, record);
  const candidates = useMemo(() => ownerCandidates(users, t, query), [users, t, query]);
  const chosenUser = chosen ? users.find((u) => u.id === chosen) : undefined;
  const leaves = chosenUser ? leavesMyReplica(me, chosenUser.id) : false;

  useEffect(() => {
    searchRef.current?.focus();
  }, []);

  useEscape(onCancel, busy);

  useEffect(() => {
    if (chosen) listRef.current?.querySelector(`[data-user-id="${CSS.escape(chosen)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [chosen]);

  const choosable = candidates.filter((u) => u.id !== currentId);

  const move = (step: number) => {
    if (choosable.length === 0) return;
    const at = choosable.findIndex((u) => u.id === chosen);
    const next = at === -1 ? (step > 0 ? 0 : choosable.length - 1) : (at + step + choosable.length) % choosable.length;
    setChosen(choosable[next]?.id ?? null);
    setError(null);
  };

  const save = async () => {
    if (!chosenUser || busy) return;
    setBusy(true);
    setError(null);
    try {
      await api['record.update']({ entity, id: record.id, values: { ownerId: chosenUser.id } });
      const toastId = pushToast({ kind: 'success', message: { key: text.done, params: { name: title, owner: chosenUser.name } } });
      onDone({ ownerId: chosenUser.id, ownerName: chosenUser.name, leaves, toastId });
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError) {
        if (e.code === 'INTERNAL') console.error(e);
        setError(t.dyn(errorMessageKey(e.code)));
      } else {
        reportError(e);
      }
    }
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      move(1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      move(-1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (chosenUser) void save();
      else if (choosable.length === 1) setChosen(choosable[0]?.id ?? null);
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onCancel()}>
      <div className="modal modal-small reassign-dialog" role="dialog" aria-modal="true" aria-labelledby="reassign-title" data-testid="reassign-dialog">
        <header className="modal-header">
          <h2 id="reassign-title">{t(text.title)}</h2>
          <button type="button" className="icon-button" onClick={onCancel} aria-label={t('common.close')} disabled={busy}>
            <Icon name="close" size={18} />
          </button>
        </header>
        <div className="modal-body reassign-body">
          <p className="reassign-subtitle">{t(text.subtitle, { name: title })}</p>
          <div className="reassign-search">
            <Icon name="search" size={14} />
            <input
              ref={searchRef}
              className="input"
              type="text"
              role="combobox"
              aria-expanded="true"
              aria-controls={listId}
              aria-activedescendant={chosen ? `${listId}-${chosen}` : undefined}
              aria-label={t('owner.reassign.choose')}
              placeholder={t('owner.reassign.search')}
              autoComplete="off"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={onSearchKey}
              disabled={busy}
              data-testid="reassign-search"
            />
          </div>
          <ul className="reassign-list" id={listId} role="listbox" aria-label={t('owner.reassign.choose')} ref={listRef}>
            {candidates.map((u) => {
              const current = u.id === currentId;
              const detail = userDetail(t, u);
              return (
                <li
                  key={u.id}
                  id={`${listId}-${u.id}`}
                  role="option"
                  aria-selected={u.id === chosen}
                  aria-disabled={current}
                  className={`reassign-option${u.id === chosen ? ' is-active' : ''}${current ? ' is-current' : ''}`}
                  data-user-id={u.id}
                  data-testid="reassign-option"
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => {
                    if (current || busy) return;
                    setChosen(u.id);
                    setError(null);
                  }}
                  title={detail ? `${u.name} · ${detail}` : u.name}
                >
                  <span className="avatar avatar-small" aria-hidden="true">
                    {initial(u.name)}
                  </span>
                  <span className="reassign-option-text">
                    <span className="reassign-option-name">
                      {u.name}
                      {me && u.id === me.id && <span className="chip chip-small">{t('owner.me')}</span>}
                      {current && <span className="chip chip-small">{t('owner.reassign.current')}</span>}
                    </span>
                    {detail && <span className="reassign-option-meta">{detail}</span>}
                  </span>
                  {u.id === chosen && <Icon name="check" size={16} className="reassign-check" />}
                </li>
              );
            })}
            {candidates.length === 0 && <li className="reassign-empty">{t('owner.reassign.noMatches')}</li>}
          </ul>
          {chosenUser && (
            <div className={`reassign-notice${leaves ? ' is-leaving' : ''}`} role="status" data-testid="reassign-notice">
              {leaves && <Icon name="alert" size={16} />}
              <span>{t(leaves ? text.leaves : text.stays, { name: chosenUser.name })}</span>
            </div>
          )}
          {error && (
            <div className="form-alert" role="alert" data-testid="reassign-error">
              {error}
            </div>
          )}
        </div>
        <footer className="modal-footer">
          <button type="button" className="btn" onClick={onCancel} disabled={busy} data-testid="reassign-cancel">
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={!chosenUser || busy} data-testid="reassign-confirm">
            {busy && <span className="spinner spinner-small" aria-hidden="true" />}
            {busy ? t('owner.reassign.busy') : chosenUser ? t('owner.reassign.confirm', { name: chosenUser.name }) : t('owner.reassign.choose')}
          </button>
        </footer>
      </div>
    </div>
  );
}
