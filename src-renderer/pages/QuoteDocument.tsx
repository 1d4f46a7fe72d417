import type { RecordData } from '../../src-shared/api/client-api.contract';
import type { LineItem } from '../../src-shared/entities/index';
import { isProvisionalNumber } from '../../src-shared/entities/numbering.util';
import { amountInChineseCapitals } from '../../src-shared/sales/amount-words.util';
import { addressLine, discountPercent, formatMinorUnits, isLetterheadEmpty, moneyText, printTable, type Letterhead } from '../../src-shared/sales/quote-print.util';
import { formatDate, formatPhoneForReading, formatQuantity } from '../format/field-format';
import { useT, type Translator } from '../i18n/use-t';

/** Everything the printed quote shows besides the quote itself, loaded by the page. */
export interface QuoteDocumentData {
  quote: RecordData;
  account: RecordData | null;
  contact: RecordData | null;
  opportunity: RecordData | null;
  /** 规格 of the products the lines name, by product id. */
  specs: ReadonlyMap<string, string>;
  letterhead: Letterhead;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');


/** The calendar day of a moment in the user's time zone, as the app writes days (YYYY-MM-DD). */
function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="qp-fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value || '—'}</dd>
    </div>
  );
}

/**
 * The quote as a paper document (报价单): A4, black on white, laid out for print.css. Pure
 * rendering from what the page loaded; totals come from the lines (lines.util.ts), in minor units.
 */
export function QuoteDocument({ data }: { data: QuoteDocumentData }) {
  const t = useT();
  const { quote, account, contact, opportunity, specs, letterhead } = data;
  const currency = text(quote.currency) || 'CNY';
  const lines = Array.isArray(quote.lines) ? (quote.lines as LineItem[]) : [];
  const { rows, totals } = printTable(lines, (id) => specs.get(id));
  const quoteNo = text(quote.quoteNo);
  const provisional = isProvisionalNumber(quoteNo);
  const createdAt = typeof quote.createdAt === 'number' ? quote.createdAt : null;
  const validUntil = text(quote.validUntil);
  const status = text(quote.status);
  const terms = text(quote.terms);
  const customerName = text(account?.name);
  const customerPhone = text(account?.phone);
  const address = account ? addressLine([account.province, account.city, account.district, account.street]) : '';
  const contactName = text(contact?.name);
  const contactPhone = text(contact?.mobile) || text(contact?.phone);
  const zh = t.locale === 'zh-CN';
  const colon = zh ? '：' : ': ';
  const currencyLabel = t.enumLabel('currency', currency);
  // Capital numerals are how Chinese documents state the amount; the converter refuses what no
  // quote can total (negative, past 2^53 分), so such a total is shown in figures only.
  const words = zh && Number.isSafeInteger(totals.total) && totals.total >= 0 ? amountInChineseCapitals(totals.total) : null;

  return (
    <article className={`qp-sheet qp-sheet-${zh ? 'zh' : 'en'}`} lang={t.locale} data-testid="quote-print-sheet">
      <header className="qp-head">
        <div className="qp-seller" data-testid="print-letterhead">
          {isLetterheadEmpty(letterhead) ? (
            <div className="qp-seller-name qp-placeholder" data-testid="print-letterhead-unset">
              {t('quotePrint.letterhead.unset')}
            </div>
          ) : (
            <>
              <div className="qp-seller-name">{letterhead.name}</div>
              {letterhead.address && <div className="qp-seller-line">{letterhead.address}</div>}
              {letterhead.phone && <div className="qp-seller-line">{t('quotePrint.phone', { phone: letterhead.phone })}</div>}
            </>
          )}
        </div>
        <div className="qp-title-block">
          <h1 className="qp-title">{t('quotePrint.document')}</h1>
          <dl className="qp-meta">
            <div className="qp-fact">
              <dt>{t('quotePrint.quoteNo')}</dt>
              <dd data-testid="print-quote-no">
                {quoteNo || '—'}
                {provisional && <span className="qp-provisional">{zh ? `（${t('quotePrint.provisional')}）` : ` (${t('quotePrint.provisional')})`}</span>}
              </dd>
            </div>
            <Fact label={t('quotePrint.date')} value={createdAt === null ? '' : formatDate(localDay(createdAt), t.locale)} testId="print-date" />
            <Fact label={t('quotePrint.validUntil')} value={validUntil ? formatDate(validUntil, t.locale) : ''} testId="print-valid-until" />
            <Fact label={t('quotePrint.status')} value={status ? t.enumLabel('quoteStatus', status) : ''} testId="print-status" />
          </dl>
        </div>
      </header>

      <section className="qp-parties">
        <h2 className="qp-section-title">{t('quotePrint.customer')}</h2>
        <dl className="qp-party-grid" data-testid="print-customer">
          <Fact label={t('quotePrint.customerName')} value={customerName} testId="print-customer-name" />
          <Fact label={t('quotePrint.subject')} value={text(quote.title)} testId="print-subject" />
          <Fact label={t('quotePrint.address')} value={address} testId="print-customer-address" />
          <Fact label={t('quotePrint.project')} value={text(opportunity?.name)} testId="print-project" />
          <Fact label={t('quotePrint.customerPhone')} value={customerPhone ? formatPhoneForReading(customerPhone) : ''} testId="print-customer-phone" />
          <Fact label={t('quotePrint.currency')} value={`${currencyLabel} (${currency})`} />
          {contactName && (
            <Fact label={t('quotePrint.contact')} value={contactPhone ? `${contactName}  ${formatPhoneForReading(contactPhone)}` : contactName} testId="print-contact" />
          )}
        </dl>
      </section>

      <div className="qp-money-unit">{t('quotePrint.moneyUnit', { currency: currencyLabel, code: currency })}</div>
      <table className="qp-lines" data-testid="print-lines">
        <colgroup>
          <col className="qp-col-no" />
          <col className="qp-col-code" />
          <col className="qp-col-name" />
          <col className="qp-col-spec" />
          <col className="qp-col-unit" />
          <col className="qp-col-qty" />
          <col className="qp-col-price" />
          <col className="qp-col-discount" />
          <col className="qp-col-amount" />
        </colgroup>
        <thead>
          <tr>
            <th className="qp-num">{t('quotePrint.col.no')}</th>
            <th>{t('quotePrint.col.code')}</th>
            <th>{t('quotePrint.col.name')}</th>
            <th>{t('quotePrint.col.spec')}</th>
            <th className="qp-center">{t('quotePrint.col.unit')}</th>
            <th className="qp-num">{t('quotePrint.col.qty')}</th>
            <th className="qp-num">{t('quotePrint.col.unitPrice')}</th>
            <th className="qp-num">{t('quotePrint.col.discount')}</th>
            <th className="qp-num">{t('quotePrint.col.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={9} className="qp-empty">
                {t('quotePrint.noLines')}
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.no} data-testid="print-line">
              <td className="qp-num">{row.no}</td>
              <td className="qp-code">{row.code}</td>
              <td>{row.name}</td>
              <td>{row.spec}</td>
              <td className="qp-center">{row.unit}</td>
              <td className="qp-num">{formatQuantity(row.qty, t.locale)}</td>
              <td className="qp-num">{formatMinorUnits(row.unitPrice)}</td>
              <td className="qp-num">{row.discountBp > 0 ? t('quotePrint.discountOff', { pct: discountPercent(row.discountBp) }) : ''}</td>
              <td className="qp-num">{formatMinorUnits(row.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <section className="qp-totals" data-testid="print-totals">
        <dl>
          <Fact label={t('quotePrint.subtotal')} value={moneyText(totals.subtotal, currency, t.locale)} testId="print-subtotal" />
          <Fact label={t('quotePrint.discountTotal')} value={totals.discountTotal > 0 ? `-${moneyText(totals.discountTotal, currency, t.locale)}` : moneyText(0, currency, t.locale)} testId="print-discount" />
          <div className="qp-fact qp-grand-total">
            <dt>{t('quotePrint.total')}</dt>
            <dd data-testid="print-total">{moneyText(totals.total, currency, t.locale)}</dd>
          </div>
        </dl>
        {words && (
          <p className="qp-words" data-testid="print-amount-words">
            <span className="qp-words-label">{t('quotePrint.totalInWords')}：</span>
            {currencyLabel}
            {words}
          </p>
        )}
      </section>

      {terms && (
        <section className="qp-terms" data-testid="print-terms">
          <h2 className="qp-section-title">{t('quotePrint.terms')}</h2>
          <p>{terms}</p>
        </section>
      )}

      <section className="qp-signatures">
        <SignatureBlock t={t} colon={colon} role={t('quotePrint.seller')} party={letterhead.name} />
        <SignatureBlock t={t} colon={colon} role={t('quotePrint.buyer')} party={customerName} />
      </section>
    </article>
  );
}

/** A party's name, then blanks for the signature and the date, and a ring where the seal goes. */
function SignatureBlock({ t, colon, role, party }: { t: Translator; colon: string; role: string; party: string }) {
  return (
    <div className="qp-signature" data-testid="print-signature">
      <div className="qp-signature-party">
        <span className="qp-signature-role">
          {role}
          {colon}
        </span>
        {party}
      </div>
      <div className="qp-signature-body">
        <div className="qp-signature-lines">
          <div className="qp-sign-line">
            <span>
              {t('quotePrint.signature')}
              {colon}
            </span>
            <span className="qp-blank" />
          </div>
          <div className="qp-sign-line">
            <span>
              {t('quotePrint.signDate')}
              {colon}
            </span>
            <span className="qp-blank" />
          </div>
        </div>
        <div className="qp-seal" aria-hidden="true">
          {t('quotePrint.seal')}
        </div>
      </div>
    </div>
  );
}
