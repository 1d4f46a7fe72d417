import { useMemo } from 'react';
import type { CustomFilterProps } from 'ag-grid-react';
import { useT } from '../i18n/use-t';
import { roleText } from '../state/directory';
import { useDirectory } from '../state/directory.store';
import type { ValuesFilterModel } from './filter-model';
import { ValuesFilter, type ValuesFilterParams } from './ValuesFilter';

/**
 * The owner column's filter: tick the people whose records to show (the list query's `in` on
 * ownerId). The list follows the directory, so colleagues added later appear without a rebuild.
 */
export function OwnerFilter(props: CustomFilterProps<unknown, unknown, ValuesFilterModel> & Pick<ValuesFilterParams, 'labels'>) {
  const t = useT();
  const users = useDirectory((s) => s.users);
  const options = useMemo(() => {
    const collator = new Intl.Collator(t.locale === 'zh-CN' ? 'zh-CN' : 'en');
    return [...users]
      .sort((a, b) => Number(b.active) - Number(a.active) || collator.compare(a.name, b.name))
      .map((u) => {
        const detail = [roleText(t, u.role), u.active ? null : t('owner.inactive')].filter((p) => p !== null).join(' · ');
        return { value: u.id, label: detail ? `${u.name} · ${detail}` : u.name };
      });
  }, [users, t]);
  return <ValuesFilter {...props} options={options} />;
}
