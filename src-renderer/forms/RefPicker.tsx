import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchHit } from '../../src-shared/api/client-api.contract';
import type { EntityName } from '../../src-shared/entities/index';
import { api } from '../api/client';
import { useHitSubtitles } from '../state/use-hit-subtitles';
import { useT } from '../i18n/use-t';
import { reportError } from '../state/app.store';

interface RefPickerProps {
  id: string;
  target: EntityName;
  value: string;
  title: string;
  invalid: boolean;
  describedBy?: string;
  testId: string;
  onChange(id: string, title: string): void;
  onBlur(): void;
  /** Empty the box after a choice (adding to a list: competitors, product lines) instead of showing it. */
  clearOnChoose?: boolean;
  /** Records already chosen, left out of the hits. */
  exclude?: readonly string[];
  placeholder?: string;
}

/**
 * Search-as-you-type choice of a related record (a contact's account) through search.global.
 * The text shows the chosen record's name; leaving the box without choosing restores it.
 */
export function RefPicker({ id, target, value, title, invalid, describedBy, testId, onChange, onBlur, clearOnChoose, exclude, placeholder }: RefPickerProps) {
  const t = useT();
  const listId = useId();
  const [text, setText] = useState(title);
  const [open, setOpen] = useState(false);
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const excluded = exclude?.length ?? 0;
  const subtitles = useHitSubtitles(hits, t);


  // A new choice from outside (or the name arriving) replaces what the box shows.
  const [shownTitle, setShownTitle] = useState(title);
  if (shownTitle !== title) {
    setShownTitle(title);
    setText(title);
  }

  useEffect(() => {
    const q = text.trim();
    if (!open || q === '' || q === title) return;
    const mine = ++seq.current;
    const timer = window.setTimeout(() => {
      // Ask for more when some hits will be left out as already chosen.
      api['search.global']({ q, entity: target, limit: 8 + Math.min(excluded, 20) })
        .then(({ hits: found }) => {
          if (mine !== seq.current) return;
          setHits(found);
          setActive(0);
        })
        .catch(reportError)
        .finally(() => mine === seq.current && setLoading(false));
    }, 150);
    return () => window.clearTimeout(timer);
  }, [text, open, target, title, excluded]);

  const subtitleOf = (hit: SearchHit) => subtitles.get(`${hit.entity}:${hit.id}`) ?? hit.subtitle;
  const shown = exclude && exclude.length > 0 ? hits.filter((hit) => !exclude.includes(hit.id)).slice(0, 8) : hits;

  const choose = (hit: SearchHit) => {
    onChange(hit.id, hit.title);
    setText(clearOnChoose ? '' : hit.title);
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!open || shown.length === 0) {
      if (e.key === 'ArrowDown') setOpen(true);
      return;
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % shown.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + shown.length) % shown.length);
    } else if (e.key === 'Enter') {
      // Choosing from the list must not submit the form around it.
      e.preventDefault();
      const hit = shown[active];
      if (hit) choose(hit);
    } else if (e.key === 'Escape') {
      // Close the list only; a second Esc reaches the dialog.
      e.stopPropagation();
      e.nativeEvent.stopImmediatePropagation();
      setOpen(false);
      setText(title);
    }
  };

  const leave = () => {
    setOpen(false);
    if (text.trim() === '') {
      if (value !== '') onChange('', '');
    } else if (text !== title) {
      setText(title);
    }
    onBlur();
  };

  return (
    <div className="ref-picker">
      <input
        id={id}
        className={`input${invalid ? ' is-invalid' : ''}`}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-expanded={open && shown.length > 0}
        aria-controls={listId}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        placeholder={placeholder ?? t('form.ref.placeholder')}
        value={text}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setHits([]);
          setLoading(e.target.value.trim() !== '');
        }}
        onFocus={() => setOpen(true)}
        onBlur={leave}
        onKeyDown={onKeyDown}
      />
      {open && text.trim() !== '' && text !== title && (
        <ul className="ref-picker-list" id={listId} role="listbox">
          {shown.map((hit, i) => (
            <li
              key={hit.id}
              role="option"
              aria-selected={i === active}
              className={`ref-picker-option${i === active ? ' is-active' : ''}`}
              data-testid="ref-option"
              // mousedown, not click: the input's blur would close the list first.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(hit);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="ref-picker-title">{hit.title}</span>
              {subtitleOf(hit) && <span className="ref-picker-subtitle">{subtitleOf(hit)}</span>}
            </li>
          ))}
          {shown.length === 0 && <li className="ref-picker-empty">{loading ? t('common.loading') : t('search.noResults')}</li>}
        </ul>
      )}
    </div>
  );
}
