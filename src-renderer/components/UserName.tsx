import { useT } from '../i18n/use-t';
import { userView } from '../state/directory';
import { useDirectory, useUserLookup } from '../state/directory.store';

/**
 * A user id shown as the person's name, with their role and department on hover. The raw id shows
 * only for someone the directory does not know; before the directory has arrived, an ellipsis.
 */
export function UserName({ id, testId }: { id: unknown; testId?: string }) {
  const t = useT();
  const lookup = useUserLookup();
  const loaded = useDirectory((s) => s.loaded);
  if (typeof id !== 'string' || id === '') return <span className="value-empty">—</span>;
  if (!loaded && !lookup(id)) return <span data-testid={testId}>…</span>;
  const { name, title } = userView(t, lookup, id);
  return (
    <span className="user-ref" title={title || undefined} data-testid={testId}>
      {name}
    </span>
  );
}
