import { useEffect, useState } from 'react';
import type { EntityName } from '../../src-shared/entities/index';
import { loadRefTitles, refTitle, rememberRefTitle } from '../api/ref-titles';
import { Icon } from '../components/icons';
import { useT } from '../i18n/use-t';
import { reportError } from '../state/app.store';
import { readIds } from './line-drafts';
import { RefPicker } from './RefPicker';

interface RefsInputProps {
  id: string;
  target: EntityName;
  /** The chosen ids as JSON text (the form's state). */
  value: string;
  invalid: boolean;
  describedBy?: string;
  testId: string;
  onChange(value: string): void;
  onBlur(): void;
}

/**
 * Several related records (an opportunity's competitors): the chosen ones as chips that can be
 * removed, and the same search-as-you-type box as a single reference to add more.
 */
export function RefsInput({ id, target, value, invalid, describedBy, testId, onChange, onBlur }: RefsInputProps) {
  const t = useT();
  const ids = readIds(value);
  const [, setLoaded] = useState(0);
  const key = ids.join(',');

  useEffect(() => {
    if (key === '') return;
    loadRefTitles(target, key.split(','))
      .then(() => setLoaded((n) => n + 1))
      .catch(reportError);
  }, [target, key]);

  const remove = (gone: string) => onChange(JSON.stringify(ids.filter((x) => x !== gone)));

  return (
    <div className="refs-input" data-testid={testId}>
      {ids.length > 0 && (
        <ul className="refs-chips">
          {ids.map((ref) => {
            const title = refTitle(target, ref) ?? '…';
            return (
              <li key={ref} className="refs-chip" data-testid="refs-chip">
                <span>{title}</span>
                <button type="button" className="refs-chip-remove" onClick={() => remove(ref)} aria-label={t('form.refs.remove', { name: title })} title={t('form.refs.remove', { name: title })}>
                  <Icon name="close" size={12} />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <RefPicker
        id={id}
        target={target}
        value=""
        title=""
        invalid={invalid}
        describedBy={describedBy}
        testId={`${testId}-search`}
        placeholder={t('form.refs.placeholder')}
        clearOnChoose
        exclude={ids}
        onChange={(chosen, title) => {
          if (chosen === '' || ids.includes(chosen)) return;
          rememberRefTitle(target, chosen, title);
          onChange(JSON.stringify([...ids, chosen]));
        }}
        onBlur={onBlur}
      />
    </div>
  );
}
