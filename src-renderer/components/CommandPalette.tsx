import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchHit } from '../../src-shared/api/client-api.contract';
import { api } from '../api/client';
import { useHitSubtitles } from '../state/use-hit-subtitles';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { entityText } from '../state/entity-text';
import { Icon, entityIcon } from './icons';

/** Keystrokes are collected this long before asking: fast typists send one query, not five. */
const SEARCH_DEBOUNCE_MS = 120;

/**
 * Global search (Ctrl/Cmd+K): accounts, contacts and leads by name, phone (any part of the number,
 * such as its last four digits) or e-mail, a contact by its account, deals, quotes, orders and
 * contracts by name or number. Arrow keys move, Enter opens.
 */
export function CommandPalette() {
  const t = useT();
  const setPaletteOpen = useApp((s) => s.setPaletteOpen);
  const navigate = useApp((s) => s.navigate);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const [searching, setSearching] = useState(false);
  const [searchedFor, setSearchedFor] = useState('');
  const seq = useRef(0);
  const listRef = useRef<HTMLUListElement>(null);
  const subtitles = useHitSubtitles(hits, t);


  const changeQuery = (value: string) => {
    setQuery(value);
    if (value.trim() === '') {
      setHits([]);
      setSearchedFor('');
      setSearching(false);
    } else {
      setSearching(true);
    }
  };

  useEffect(() => {
    const q = query.trim();
    const mine = ++seq.current;
    if (q === '') return;
    const timer = window.setTimeout(() => {
      api['search.global']({ q, limit: 20 })
        .then(({ hits: found }) => {
          if (mine !== seq.current) return;
          setHits(found);
          setActive(0);
          setSearchedFor(q);
        })
        .catch(reportError)
        .finally(() => mine === seq.current && setSearching(false));
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const close = () => setPaletteOpen(false);
  const open = (hit: SearchHit) => {
    close();
    navigate({ view: 'detail', entity: hit.entity, id: hit.id });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (hits.length > 0) setActive((a) => (a + 1) % hits.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (hits.length > 0) setActive((a) => (a - 1 + hits.length) % hits.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const hit = hits[active];
      // Enter right after typing: the answer for the latest text decides, not a stale list.
      if (hit && searchedFor === query.trim()) open(hit);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  };

  const q = query.trim();
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label={t('search.title')} data-testid="palette">
        <div className="palette-input">
          <Icon name="search" size={18} />
          <input
            autoFocus
            type="text"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls="palette-results"
            aria-activedescendant={hits[active] ? `palette-hit-${active}` : undefined}
            placeholder={t('search.placeholder')}
            value={query}
            onChange={(e) => changeQuery(e.target.value)}
            onKeyDown={onKeyDown}
            data-testid="palette-input"
          />
          {searching && <span className="spinner" aria-hidden="true" />}
          <kbd>Esc</kbd>
        </div>
        <ul className="palette-results" id="palette-results" role="listbox" ref={listRef}>
          {hits.map((hit, i) => {
            const subtitle = subtitles.get(`${hit.entity}:${hit.id}`) ?? hit.subtitle;
            return (
              <li
                key={`${hit.entity}:${hit.id}`}
                id={`palette-hit-${i}`}
                role="option"
                aria-selected={i === active}
                className={`palette-hit${i === active ? ' is-active' : ''}`}
                onMouseMove={() => setActive(i)}
                onClick={() => open(hit)}
                data-testid="palette-hit"
                data-entity={hit.entity}
              >
                <span className={`palette-hit-icon palette-hit-${hit.entity}`} aria-hidden="true">
                  <Icon name={entityIcon[hit.entity]} />
                </span>
                <span className="palette-hit-text">
                  <span className="palette-hit-title">{hit.title}</span>
                  {subtitle && <span className="palette-hit-subtitle">{subtitle}</span>}
                </span>
                <span className="palette-hit-kind">{t(entityText[hit.entity].kind)}</span>
              </li>
            );
          })}
        </ul>
        {q === '' && <div className="palette-hint">{t('search.hint')}</div>}
        {q !== '' && !searching && searchedFor === q && hits.length === 0 && (
          <div className="palette-hint" data-testid="palette-empty">
            {t('search.noResults')}
          </div>
        )}
        <footer className="palette-footer">
          <span>
            <kbd>↑</kbd>
            <kbd>↓</kbd> {t('search.keys.move')}
          </span>
          <span>
            <kbd>Enter</kbd> {t('search.keys.open')}
          </span>
          <span>
            <kbd>Esc</kbd> {t('search.keys.close')}
          </span>
        </footer>
      </div>
    </div>
  );
}
