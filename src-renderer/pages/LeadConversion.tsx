import { useCallback, useState } from 'react';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, type FieldDef } from '../../src-shared/entities/index';
import { FieldValue } from '../components/RecordSections';
import { Icon } from '../components/icons';
import { LeadConvertDialog } from '../forms/LeadConvertDialog';
import { useT } from '../i18n/use-t';
import { useCan } from '../state/access';

const links = ['accountId', 'contactId', 'opportunityId'] as const;

/**
 * 线索转化 on a lead's page: the primary 转化 button (with its dialog) while the lead is not yet
 * converted; once it is, links to the account, contact and opportunity it became.
 */
export function LeadConversion({ lead }: { lead: RecordData }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const fields = entities.lead.fields as Record<string, FieldDef>;
  // Converting marks the lead and makes a contact (and the account when it is new): not offered
  // to roles that may do neither.
  const mayMark = useCan('lead', 'update');
  const mayCreate = useCan('contact', 'create');
  const mayConvert = mayMark && mayCreate;

  if (lead.status === 'converted') {
    const shown = links.filter((name) => typeof lead[name] === 'string' && lead[name] !== '');
    if (shown.length === 0) return null;
    return (
      <div className="lead-converted" data-testid="lead-converted-links">
        <span className="lead-converted-label">{t('lead.convertedTo')}</span>
        {shown.map((name) => {
          const def = fields[name];
          return def ? (
            <span key={name} className="lead-converted-link" data-testid={`lead-converted-${name}`}>
              <span className="lead-converted-kind">{t.field('lead', name)}</span>
              <FieldValue name={name} def={def} record={lead} />
            </span>
          ) : null;
        })}
      </div>
    );
  }

  if (!mayConvert) return null;
  return (
    <>
      <button type="button" className="btn btn-primary" onClick={() => setOpen(true)} data-testid="convert-lead">
        <Icon name="merge" />
        {t('lead.convert')}
      </button>
      {open && <LeadConvertDialog lead={lead} onClose={close} />}
    </>
  );
}
