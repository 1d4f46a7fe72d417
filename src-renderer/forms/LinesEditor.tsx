import { useEffect, useRef, useState } from 'react';
import { lineForProduct } from '../../src-shared/sales/lines.util';
import { api } from '../api/client';
import { Icon } from '../components/icons';
import { formatMoney } from '../format/field-format';
import { useT } from '../i18n/use-t';
import { reportError } from '../state/app.store';
import { draftAmount, draftProblems, draftTotals, emptyDraft, lineToDraft, readDrafts, writeDrafts, type LineDraft } from './line-drafts';
import { RefPicker } from './RefPicker';

interface LinesEditorProps {
  id: string;
  /** The field's name (报价明细), for screen readers: a table of inputs has no single label. */
  label: string;
  /** The drafts as JSON text (the form's state; see line-drafts.ts). */
  value: string;
  /** The record's currency, for the amounts shown. */
  currency: string;
  /** Show which cells cannot be saved (after a save attempt or once the editor was left). */
  showProblems: boolean;
  describedBy?: string;
  onChange(value: string): void;
  onBlur(): void;
}

/**
 * Product lines of an opportunity, quote or order: pick a product (its name, code, unit and list
 * price fill the line) or add a free-text line; quantity, unit price in yuan and discount in
 * percent are edited in place; each line's amount and the totals follow as they are typed.
 */
export function LinesEditor({ id, label, value, currency, showProblems, describedBy, onChange, onBlur }: LinesEditorProps) {
  const t = useT();
  const drafts = readDrafts(value);
  const totals = draftTotals(drafts);
  const money = (fen: number) => formatMoney(fen, currency, t.locale);
  const tableRef = useRef<HTMLTableElement>(null);
  const focusLine = useRef<number | null>(null);
  const [adding, setAdding] = useState(false);
  const latest = useRef(value);
  useEffect(() => {
    latest.current = value;
  }, [value]);

  // A new free-text line gets the cursor in its name, once it is drawn.
  useEffect(() => {
    if (focusLine.current === null) return;
    tableRef.current?.querySelector<HTMLInputElement>(`[data-line="${focusLine.current}"] [data-cell="name"]`)?.focus();
    focusLine.current = null;
  });

  const write = (next: LineDraft[]) => onChange(writeDrafts(next));
  const update = (index: number, patch: Partial<LineDraft>) => write(drafts.map((d, i) => (i === index ? { ...d, ...patch } : d)));
  const remove = (index: number) => write(drafts.filter((_, i) => i !== index));
  const addFree = () => {
    focusLine.current = drafts.length;
    write([...drafts, emptyDraft()]);
  };
  const addProduct = (productId: string) => {
    if (productId === '') return;
    setAdding(true);
    api['record.get']({ entity: 'product', id: productId })
      .then((p) => {
        const line = lineForProduct({
          id: p.id,
          name: String(p.name ?? ''),
          code: typeof p.code === 'string' ? p.code : null,
          unit: typeof p.unit === 'string' ? p.unit : null,
          listPrice: typeof p.listPrice === 'number' ? p.listPrice : 0,
        });
        // The latest state: the user may have typed while the product was fetched.
        onChange(writeDrafts([...readDrafts(latest.current), lineToDraft(line)]));
      })
      .catch(reportError)
      .finally(() => setAdding(false));
  };

  return (
    <div className="lines-editor" id={id} role="group" aria-label={label} data-testid="lines-editor" aria-describedby={describedBy}>
      {drafts.length > 0 ? (
        <table className="lines-table lines-table-edit" ref={tableRef}>
          <thead>
            <tr>
              <th className="lines-col-index">{t('lines.index')}</th>
              <th>{t('lines.product')}</th>
              <th className="lines-col-qty">{t('lines.qty')}</th>
              <th className="lines-col-unit">{t('lines.unit')}</th>
              <th className="lines-col-price">{t('lines.unitPriceYuan')}</th>
              <th className="lines-col-discount" title={t('lines.discountHint')}>
                {t('lines.discountPct')}
              </th>
              <th className="lines-col-amount">{t('lines.amount')}</th>
              <th className="lines-col-remove" aria-label={t('lines.remove')} />
            </tr>
          </thead>
          <tbody>
            {drafts.map((d, i) => {
              const problems = showProblems ? draftProblems(d) : { name: false, qty: false, unitPrice: false, discount: false };
              const amount = draftAmount(d);
              return (
                <tr key={i} data-line={i} data-testid="line-row">
                  <td className="lines-col-index">{i + 1}</td>
                  <td>
                    <input
                      className={`input input-cell${problems.name ? ' is-invalid' : ''}`}
                      data-cell="name"
                      data-testid="line-name"
                      value={d.name}
                      placeholder={t('lines.freeName')}
                      aria-label={t('lines.name')}
                      onChange={(e) => update(i, { name: e.target.value })}
                      onBlur={onBlur}
                    />
                    <div className="lines-meta">{d.productId ? d.code && <span className="lines-code">{d.code}</span> : <span className="lines-free">{t('lines.free')}</span>}</div>
                  </td>
                  <td className="lines-col-qty">
                    <input
                      className={`input input-cell input-number${problems.qty ? ' is-invalid' : ''}`}
                      inputMode="decimal"
                      data-testid="line-qty"
                      value={d.qty}
                      aria-label={t('lines.qty')}
                      onChange={(e) => update(i, { qty: e.target.value })}
                      onBlur={onBlur}
                    />
                  </td>
                  <td className="lines-col-unit">
                    <input className="input input-cell" data-testid="line-unit" value={d.unit ?? ''} aria-label={t('lines.unit')} onChange={(e) => update(i, { unit: e.target.value })} onBlur={onBlur} />
                  </td>
                  <td className="lines-col-price">
                    <input
                      className={`input input-cell input-number${problems.unitPrice ? ' is-invalid' : ''}`}
                      inputMode="decimal"
                      data-testid="line-price"
                      value={d.unitPrice}
                      aria-label={t('lines.unitPrice')}
                      onChange={(e) => update(i, { unitPrice: e.target.value })}
                      onBlur={onBlur}
                    />
                  </td>
                  <td className="lines-col-discount">
                    <input
                      className={`input input-cell input-number${problems.discount ? ' is-invalid' : ''}`}
                      inputMode="decimal"
                      data-testid="line-discount"
                      value={d.discount}
                      aria-label={t('lines.discountPct')}
                      title={t('lines.discountHint')}
                      onChange={(e) => update(i, { discount: e.target.value })}
                      onBlur={onBlur}
                    />
                  </td>
                  <td className="lines-col-amount" data-testid="line-amount">
                    {amount === null ? <span className="value-empty">—</span> : money(amount)}
                  </td>
                  <td className="lines-col-remove">
                    <button type="button" className="icon-button icon-button-danger" onClick={() => remove(i)} aria-label={t('lines.remove')} title={t('lines.remove')} data-testid="line-remove">
                      <Icon name="trash" size={14} />
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <LinesFooter subtotal={money(totals.subtotal)} discount={totals.discountTotal > 0 ? `−${money(totals.discountTotal)}` : null} total={money(totals.total)} span={6} trailing />
        </table>
      ) : (
        <div className="lines-empty">{t('lines.emptyEdit')}</div>
      )}
      <div className="lines-add">
        <div className="lines-add-product">
          <Icon name="products" size={14} className="lines-add-icon" />
          <RefPicker
            id={`${id}-product`}
            target="product"
            value=""
            title=""
            invalid={false}
            testId="lines-add-product"
            placeholder={t('lines.addProduct')}
            clearOnChoose
            onChange={(productId) => addProduct(productId)}
            onBlur={() => undefined}
          />
          {adding && <span className="spinner spinner-small" aria-hidden="true" />}
        </div>
        <button type="button" className="btn btn-small" onClick={addFree} data-testid="lines-add-free">
          <Icon name="plus" size={14} />
          {t('lines.addFree')}
        </button>
      </div>
    </div>
  );
}

/** 原价合计 / 优惠 / 合计 under a lines table; `span` columns before the amount column. */
export function LinesFooter({ subtotal, discount, total, span, trailing }: { subtotal: string; discount: string | null; total: string; span: number; trailing?: boolean }) {
  const t = useT();
  return (
    <tfoot>
      {discount !== null && (
        <>
          <tr className="lines-sum">
            <td colSpan={span}>{t('lines.subtotal')}</td>
            <td className="lines-col-amount" data-testid="lines-subtotal">
              {subtotal}
            </td>
            {trailing && <td />}
          </tr>
          <tr className="lines-sum">
            <td colSpan={span}>{t('lines.discountTotal')}</td>
            <td className="lines-col-amount lines-discount" data-testid="lines-discount">
              {discount}
            </td>
            {trailing && <td />}
          </tr>
        </>
      )}
      <tr className="lines-sum lines-total">
        <td colSpan={span}>{t('lines.total')}</td>
        <td className="lines-col-amount" data-testid="lines-total">
          {total}
        </td>
        {trailing && <td />}
      </tr>
    </tfoot>
  );
}
