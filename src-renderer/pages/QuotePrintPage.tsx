import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import type { EntityName, LineItem } from '../../src-shared/entities/index';
import { LETTERHEAD_MAX, LETTERHEAD_SETTING, parseLetterhead, productIdsOf, quotePdfFileName, type Letterhead } from '../../src-shared/sales/quote-print.util';
import { api, onCoreEvent } from '../api/client';
import { shellBridge } from '../api/shell';
import { Icon } from '../components/icons';
import { useT } from '../i18n/use-t';
import { useCan } from '../state/access';
import { reportError, useApp } from '../state/app.store';
import { useRecord } from '../state/use-record';
import { DetailFrame } from './detail-common';
import { QuoteDocument, type QuoteDocumentData } from './QuoteDocument';
import '../styles/print.css';

/**
 * The printable quote (报价单): a toolbar (back, letterhead, print, export PDF) above an A4 sheet.
 * print.css hides the app's frame and the toolbar on paper, so Print and the PDF carry the sheet
 * only. Export PDF asks the Electron shell to save the window as a PDF; in a plain browser it opens
 * the browser's print dialog with a hint to choose "Save as PDF".
 */
export function QuotePrintPage({ id }: { id: string }) {
  const state = useRecord('quote', id);
  return <DetailFrame entity="quote" state={state}>{(quote) => <QuotePrint quote={quote} />}</DetailFrame>;
}

type Related = Omit<QuoteDocumentData, 'quote' | 'letterhead'>;

const RELATED_ENTITIES: ReadonlySet<EntityName> = new Set(['account', 'contact', 'opportunity', 'product']);
/** Ids per product look-up: the list API takes up to 200 values in an `in` filter. */
const PRODUCT_BATCH = 200;

async function getOrNull(entity: EntityName, id: unknown): Promise<RecordData | null> {
  if (typeof id !== 'string' || id === '') return null;
  try {
    return await api['record.get']({ entity, id });
  } catch (error) {
    // A customer or contact deleted since the quote was made prints as blank, not as an error.
    if (!(error instanceof ApiError && error.code === 'NOT_FOUND')) reportError(error);
    return null;
  }
}

async function productSpecs(ids: string[]): Promise<Map<string, string>> {
  const specs = new Map<string, string>();
  for (let i = 0; i < ids.length; i += PRODUCT_BATCH) {
    const chunk = ids.slice(i, i + PRODUCT_BATCH);
    const { rows } = await api['record.list']({ entity: 'product', filters: [{ field: 'id', op: 'in', value: chunk }], limit: chunk.length, withTotal: false });
    for (const row of rows) if (typeof row.spec === 'string' && row.spec.trim() !== '') specs.set(row.id, row.spec.trim());
  }
  return specs;
}

/** The quote's customer, contact, deal and product specs, reloaded when any of them changes. */
function useRelated(quote: RecordData): Related | null {
  const lines = Array.isArray(quote.lines) ? (quote.lines as LineItem[]) : [];
  const question = JSON.stringify([quote.accountId ?? null, quote.contactId ?? null, quote.opportunityId ?? null, productIdsOf(lines)]);
  const dataEpoch = useApp((s) => s.dataEpoch);
  const [answer, setAnswer] = useState<{ question: string; value: Related } | null>(null);
  const [changes, setChanges] = useState(0);

  useEffect(
    () =>
      onCoreEvent((event) => {
        if (event.type === 'changed' && RELATED_ENTITIES.has(event.entity)) setChanges((n) => n + 1);
      }),
    [],
  );

  useEffect(() => {
    const [accountId, contactId, opportunityId, productIds] = JSON.parse(question) as [unknown, unknown, unknown, string[]];
    let cancelled = false;
    Promise.all([
      getOrNull('account', accountId),
      getOrNull('contact', contactId),
      getOrNull('opportunity', opportunityId),
      productSpecs(productIds).catch((error: unknown) => {
        reportError(error);
        return new Map<string, string>();
      }),
    ])
      .then(([account, contact, opportunity, specs]) => {
        if (!cancelled) setAnswer({ question, value: { account, contact, opportunity, specs } });
      })
      .catch(reportError);
    return () => {
      cancelled = true;
    };
  }, [question, dataEpoch, changes]);

  return answer?.question === question ? answer.value : null;
}

/** The seller's letterhead from the settings (null while loading) and a way to save it. */
function useLetterhead(): [Letterhead | null, (next: Letterhead) => Promise<void>] {
  const [letterhead, setLetterhead] = useState<Letterhead | null>(null);
  const dataEpoch = useApp((s) => s.dataEpoch);
  useEffect(() => {
    let cancelled = false;
    api['settings.get']({ key: LETTERHEAD_SETTING })
      .then((value) => !cancelled && setLetterhead(parseLetterhead(value)))
      .catch((error: unknown) => {
        if (!cancelled) setLetterhead(parseLetterhead(null));
        reportError(error);
      });
    return () => {
      cancelled = true;
    };
  }, [dataEpoch]);
  const save = useCallback(async (next: Letterhead) => {
    const clean = parseLetterhead(next);
    await api['settings.set']({ key: LETTERHEAD_SETTING, value: clean });
    setLetterhead(clean);
  }, []);
  return [letterhead, save];
}

/**
 * Runs the browser's print with the document title set to the file name: Chromium's "Save as
 * PDF" suggests the title as the file's name. The title is put back once the dialog closes.
 */
function printWithTitle(title: string): void {
  const previous = document.title;
  document.title = title;
  window.addEventListener('afterprint', () => (document.title = previous), { once: true });
  window.print();
}

function QuotePrint({ quote }: { quote: RecordData }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const pushToast = useApp((s) => s.pushToast);
  const related = useRelated(quote);
  const [letterhead, saveLetterhead] = useLetterhead();
  const [editing, setEditing] = useState(false);
  const [exporting, setExporting] = useState(false);
  /** Browser fallback of Export PDF: how often it was asked for; the hint shows from the first. */
  const [browserPrints, setBrowserPrints] = useState(0);
  const printedRequests = useRef(0);
  const fileName = quotePdfFileName(t('quotePrint.fileName'), quote.quoteNo);
  // Printing and the PDF are the quote's export: offered only to roles that may export quotes.
  const canExport = useCan('quote', 'export');
  const title = fileName.replace(/\.pdf$/, '');

  // The browser fallback prints once the hint is on screen: two frames, so it is painted before
  // the print dialog stops the page from rendering.
  useEffect(() => {
    if (browserPrints === printedRequests.current) return;
    let second = 0;
    const first = requestAnimationFrame(() => {
      second = requestAnimationFrame(() => {
        printedRequests.current = browserPrints;
        printWithTitle(title);
      });
    });
    return () => {
      cancelAnimationFrame(first);
      cancelAnimationFrame(second);
    };
  }, [browserPrints, title]);

  const exportPdf = async () => {
    const shell = shellBridge();
    if (!shell) {
      setBrowserPrints((n) => n + 1);
      return;
    }
    setExporting(true);
    try {
      const reply = await shell.exportPdf(fileName);
      if (!reply.ok) {
        console.error('PDF export failed', reply.error);
        pushToast({ kind: 'error', message: { key: 'quotePrint.exportFailed' } });
      } else if (reply.value.saved) {
        pushToast({ kind: 'success', message: { key: 'quotePrint.exported' } });
      }
    } finally {
      setExporting(false);
    }
  };

  const ready = related !== null && letterhead !== null;
  return (
    <section className="quote-print" data-testid="quote-print">
      <div className="print-toolbar" data-testid="print-toolbar">
        <div className="print-toolbar-row">
          <button type="button" className="back-link" onClick={() => navigate({ view: 'detail', entity: 'quote', id: quote.id })} data-testid="print-back">
            <Icon name="back" />
            {t('quotePrint.back')}
          </button>
          <div className="print-toolbar-actions">
            <button type="button" className="btn" onClick={() => setEditing((open) => !open)} aria-expanded={editing} disabled={letterhead === null} data-testid="letterhead-edit">
              <Icon name="edit" />
              {t('quotePrint.letterhead.edit')}
            </button>
            {canExport && (
              <button type="button" className="btn" onClick={() => printWithTitle(title)} disabled={!ready} data-testid="print-print">
                <Icon name="quotes" />
                {t('quotePrint.print')}
              </button>
            )}
            {canExport && (
              <button type="button" className="btn btn-primary" onClick={() => void exportPdf()} disabled={!ready || exporting} data-testid="print-export-pdf">
                <Icon name="download" />
                {exporting ? t('quotePrint.exporting') : t('quotePrint.exportPdf')}
              </button>
            )}
          </div>
        </div>
        {browserPrints > 0 && (
          <p className="print-hint" role="status" data-testid="print-pdf-hint">
            {t('quotePrint.browserPdfHint')}
          </p>
        )}
        {editing && letterhead && (
          <LetterheadForm
            initial={letterhead}
            onCancel={() => setEditing(false)}
            onSave={async (next) => {
              await saveLetterhead(next);
              setEditing(false);
              pushToast({ kind: 'success', message: { key: 'quotePrint.letterhead.saved' } });
            }}
          />
        )}
      </div>
      <div className="print-stage">
        {ready ? (
          <QuoteDocument data={{ quote, letterhead, ...related }} />
        ) : (
          <div className="page-message" data-testid="print-loading">
            <span className="spinner" aria-hidden="true" />
            {t('quotePrint.loading')}
          </div>
        )}
      </div>
    </section>
  );
}

function LetterheadForm({ initial, onSave, onCancel }: { initial: Letterhead; onSave: (next: Letterhead) => Promise<void>; onCancel: () => void }) {
  const t = useT();
  const [values, setValues] = useState<Letterhead>(initial);
  const [saving, setSaving] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    onSave(values)
      .catch(reportError)
      .finally(() => setSaving(false));
  };
  const field = (name: keyof Letterhead) => (
    <label className="form-row">
      <span className="form-label">{t(`quotePrint.letterhead.${name}`)}</span>
      <input
        className="input"
        value={values[name]}
        maxLength={LETTERHEAD_MAX[name]}
        onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
        data-testid={`letterhead-${name}`}
      />
    </label>
  );
  return (
    <form className="letterhead-form" onSubmit={submit} data-testid="letterhead-form">
      <div className="letterhead-form-head">
        <strong>{t('quotePrint.letterhead.title')}</strong>
        <span className="form-hint">{t('quotePrint.letterhead.hint')}</span>
      </div>
      <div className="letterhead-form-fields">
        {field('name')}
        {field('address')}
        {field('phone')}
      </div>
      <div className="letterhead-form-actions">
        <button type="button" className="btn" onClick={onCancel} disabled={saving}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving} data-testid="letterhead-save">
          {saving ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
