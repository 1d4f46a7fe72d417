import { lineAmount, lineGross, linesTotals, type LineItem, type LineTotals } from './lines.util';

/**
 * What the printed quote (报价单) is made of, kept apart from the page so it can be tested: the
 * rows of the line table with their amounts, the totals, exact money text from minor units, the
 * seller's letterhead as stored in the settings, and the file name of the exported PDF.
 */

/** One row of the printed line table. Money in minor units (分), as computed by lines.util.ts. */
export interface PrintRow {
  no: number;
  code: string;
  name: string;
  /** 规格: the product's, looked up by the line's product (lines do not carry it); '' for free lines. */
  spec: string;
  unit: string;
  qty: number;
  unitPrice: number;
  discountBp: number;
  /** qty × unit price, before the discount. */
  gross: number;
  amount: number;
}

export interface PrintTable {
  rows: PrintRow[];
  totals: LineTotals;
}

export function printTable(lines: readonly LineItem[], specOf: (productId: string) => string | null | undefined): PrintTable {
  const rows = lines.map((line, i): PrintRow => ({
    no: i + 1,
    code: line.code ?? '',
    name: line.name,
    spec: (line.productId ? specOf(line.productId) : null) ?? '',
    unit: line.unit ?? '',
    qty: line.qty,
    unitPrice: line.unitPrice,
    discountBp: line.discountBp,
    gross: lineGross(line),
    amount: lineAmount(line),
  }));
  return { rows, totals: linesTotals(lines) };
}

/** The distinct products the lines name, for one look-up of their specs. */
export function productIdsOf(lines: readonly LineItem[]): string[] {
  return [...new Set(lines.map((line) => line.productId).filter((id): id is string => typeof id === 'string' && id !== ''))];
}

/**
 * Minor units as a plain decimal with thousands separators, from integers only (no division in
 * floating point): 1234567 → "12,345.67", -5 → "-0.05". zh-CN and en group and point the same way.
 */
export function formatMinorUnits(minor: number | bigint): string {
  const value = BigInt(minor);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents}`;
}

/**
 * Money with its currency's symbol in the reader's locale (zh-CN ¥, en CN¥, US$ / $, €, HK$),
 * the figure from formatMinorUnits: 1244565, 'CNY' → "¥12,445.65".
 */
export function moneyText(minor: number, currency: string, locale: string): string {
  let symbol = `${currency} `;
  try {
    symbol = new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0).find((part) => part.type === 'currency')?.value ?? symbol;
  } catch {
    // An unknown currency code keeps the code itself as the symbol.
  }
  return minor < 0 ? `-${symbol}${formatMinorUnits(-minor)}` : `${symbol}${formatMinorUnits(minor)}`;
}

/** A discount in basis points as the percentage off, without trailing zeros: 1,000 → "10", 1,250 → "12.5". */
export function discountPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const rest = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return rest === '' ? String(whole) : `${whole}.${rest}`;
}

/** The settings key of the seller's letterhead (per replica, like the other UI settings). */
export const LETTERHEAD_SETTING = 'company.letterhead';

export interface Letterhead {
  name: string;
  address: string;
  phone: string;
}

export const LETTERHEAD_MAX = { name: 100, address: 200, phone: 40 } as const;

const emptyLetterhead: Letterhead = { name: '', address: '', phone: '' };

/** Reads the stored setting defensively: anything missing or of the wrong type is empty. */
export function parseLetterhead(value: unknown): Letterhead {
  if (typeof value !== 'object' || value === null) return { ...emptyLetterhead };
  const record = value as Record<string, unknown>;
  const text = (key: keyof Letterhead) => (typeof record[key] === 'string' ? (record[key] as string).trim().slice(0, LETTERHEAD_MAX[key]) : '');
  return { name: text('name'), address: text('address'), phone: text('phone') };
}

export function isLetterheadEmpty(letterhead: Letterhead): boolean {
  return letterhead.name === '' && letterhead.address === '' && letterhead.phone === '';
}

/**
 * An account's address as one line, in Chinese order and without separators (上海市浦东新区张江路 88 号).
 * A municipality's province and city are the same name and are written once.
 */
export function addressLine(parts: readonly unknown[]): string {
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') continue;
    const text = part.trim();
    if (text !== '' && out[out.length - 1] !== text) out.push(text);
  }
  return out.join('');
}

/** Characters no file system takes in a name (Windows is the strictest); control characters too. */
const RESERVED_FILE_CHARS = '\\/:*?"<>|';

function fileSafeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || RESERVED_FILE_CHARS.includes(ch) ? '_' : ch;
}

const MAX_FILE_NAME = 120;

/**
 * A file name made safe for every OS: reserved characters become "_", leading and trailing dots
 * and spaces go (Windows drops them), and it is cut to a length every file system takes.
 */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = Array.from(name, fileSafeChar)
    .join('')
    .replace(/\s+/g, ' ')
    .slice(0, MAX_FILE_NAME)
    .replace(/^[.\s]+|[.\s]+$/g, '');
  return cleaned === '' ? fallback : cleaned;
}

/** "报价单-Q-000123.pdf": the document's name and the quote's number, as the PDF's default file name. */
export function quotePdfFileName(documentName: string, quoteNo: unknown): string {
  const number = typeof quoteNo === 'string' && quoteNo.trim() !== '' ? `-${quoteNo.trim()}` : '';
  return `${safeFileName(`${documentName}${number}`, 'quote')}.pdf`;
}
