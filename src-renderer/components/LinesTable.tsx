import { discountPercent } from '../../src-shared/sales/quote-print.util';
import type { LineItem } from '../../src-shared/entities/index';
import { lineAmount, linesTotals } from '../../src-shared/sales/lines.util';
import { formatMoney, formatQuantity } from '../format/field-format';
import { LinesFooter } from '../forms/LinesEditor';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/app.store';



/**
 * The line items of a quote, order or opportunity as read on its page: product (with its code),
 * quantity, unit, unit price, discount and amount per line, then the totals (lines.util.ts).
 */
export function LinesTable({ lines, currency }: { lines: readonly LineItem[]; currency: string }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  if (lines.length === 0) return <span className="value-empty">{t('lines.empty')}</span>;
  const money = (fen: number) => formatMoney(fen, currency, t.locale);
  const totals = linesTotals(lines);
  return (
    <div className="lines-scroll">
      <table className="lines-table" data-testid="lines-table">
        <thead>
          <tr>
            <th className="lines-col-index">{t('lines.index')}</th>
            <th>{t('lines.product')}</th>
            <th className="lines-col-qty">{t('lines.qty')}</th>
            <th className="lines-col-unit">{t('lines.unit')}</th>
            <th className="lines-col-price">{t('lines.unitPrice')}</th>
            <th className="lines-col-discount">{t('lines.discount')}</th>
            <th className="lines-col-amount">{t('lines.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line, i) => (
            <tr key={i} data-testid="line-row">
              <td className="lines-col-index">{i + 1}</td>
              <td>
                {line.productId ? (
                  <button type="button" className="link" onClick={() => line.productId && navigate({ view: 'detail', entity: 'product', id: line.productId })}>
                    {line.name}
                  </button>
                ) : (
                  <span>{line.name}</span>
                )}
                {line.code && <span className="lines-code">{line.code}</span>}
              </td>
              <td className="lines-col-qty">{formatQuantity(line.qty, t.locale)}</td>
              <td className="lines-col-unit">{line.unit ?? ''}</td>
              <td className="lines-col-price">{money(line.unitPrice)}</td>
              <td className="lines-col-discount">{line.discountBp > 0 ? `${discountPercent(line.discountBp)}%` : <span className="value-empty">—</span>}</td>
              <td className="lines-col-amount">{money(lineAmount(line))}</td>
            </tr>
          ))}
        </tbody>
        <LinesFooter subtotal={money(totals.subtotal)} discount={totals.discountTotal > 0 ? `−${money(totals.discountTotal)}` : null} total={money(totals.total)} span={6} />
      </table>
    </div>
  );
}
