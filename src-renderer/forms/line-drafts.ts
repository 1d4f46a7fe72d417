import type { LineItem } from '../../src-shared/entities/index';
import { lineAmount, linesTotals, MAX_QTY, type LineTotals } from '../../src-shared/sales/lines.util';

/**
 * A line item as the lines editor holds it: what the user typed, as text, so "12." or an empty
 * price survive while typing. The price is in yuan (元, two decimals) and the discount in percent
 * off; draftToLine turns them into the stored minor units (分) and basis points.
 */
export interface LineDraft {
  productId: string | null;
  name: string;
  code: string | null;
  unit: string | null;
  qty: string;
  unitPrice: string;
  discount: string;
}

/** fen → "1234.50"; basis points → "12.5" (percent). */
export function lineToDraft(line: LineItem): LineDraft {
  return {
    productId: line.productId ?? null,
    name: line.name ?? '',
    code: line.code ?? null,
    unit: line.unit ?? null,
    qty: String(line.qty),
    unitPrice: (line.unitPrice / 100).toFixed(2),
    discount: String(line.discountBp / 100),
  };
}

export function emptyDraft(): LineDraft {
  return { productId: null, name: '', code: null, unit: null, qty: '1', unitPrice: '', discount: '0' };
}

const clean = (text: string) => text.replace(/[,\s¥￥%]/g, '');

/** A quantity with up to three decimals, above 0; null when it is not one. */
export function parseQty(text: string): number | null {
  const v = clean(text);
  if (!/^\d+(\.\d{1,3})?$/.test(v)) return null;
  const n = Number(v);
  return n > 0 && n <= MAX_QTY ? n : null;
}

/** Yuan with up to two decimals → fen; null when it is not a price. */
export function parsePrice(text: string): number | null {
  const v = clean(text);
  if (!/^\d+(\.\d{1,2})?$/.test(v)) return null;
  return Math.round(Number(v) * 100);
}

/** Percent off (blank = none), up to two decimals → basis points; null outside 0–100. */
export function parseDiscount(text: string): number | null {
  const v = clean(text);
  if (v === '') return 0;
  if (!/^\d+(\.\d{1,2})?$/.test(v)) return null;
  const bp = Math.round(Number(v) * 100);
  return bp <= 10_000 ? bp : null;
}

/**
 * The stored line. A value that does not parse goes through as the text typed, so the shared
 * validation refuses it (validation.lines) instead of the form guessing a number.
 */
export function draftToLine(d: LineDraft): LineItem {
  const qty = parseQty(d.qty);
  const unitPrice = parsePrice(d.unitPrice);
  const discountBp = parseDiscount(d.discount);
  return {
    productId: d.productId,
    name: d.name.trim(),
    code: d.code,
    unit: d.unit === null || d.unit.trim() === '' ? null : d.unit.trim(),
    qty: (qty ?? d.qty) as number,
    unitPrice: (unitPrice ?? d.unitPrice) as number,
    discountBp: (discountBp ?? d.discount) as number,
  };
}

/** Which cells of a draft cannot be saved as they are. */
export function draftProblems(d: LineDraft): { name: boolean; qty: boolean; unitPrice: boolean; discount: boolean } {
  return { name: d.name.trim() === '', qty: parseQty(d.qty) === null, unitPrice: parsePrice(d.unitPrice) === null, discount: parseDiscount(d.discount) === null };
}

/** The line's amount after discount in fen, or null while a number in it is incomplete. */
export function draftAmount(d: LineDraft): number | null {
  const qty = parseQty(d.qty);
  const unitPrice = parsePrice(d.unitPrice);
  const discountBp = parseDiscount(d.discount);
  return qty === null || unitPrice === null || discountBp === null ? null : lineAmount({ qty, unitPrice, discountBp });
}

/** The lines whose numbers all parse, as stored; the others are left out until they are complete. */
export function completeLines(drafts: readonly LineDraft[]): LineItem[] {
  const lines: LineItem[] = [];
  for (const d of drafts) {
    const qty = parseQty(d.qty);
    const unitPrice = parsePrice(d.unitPrice);
    const discountBp = parseDiscount(d.discount);
    if (qty !== null && unitPrice !== null && discountBp !== null) lines.push({ ...draftToLine(d), qty, unitPrice, discountBp });
  }
  return lines;
}

/** Totals of the complete lines (the others count once they are). */
export function draftTotals(drafts: readonly LineDraft[]): LineTotals {
  return linesTotals(completeLines(drafts));
}

/** The editor's state is kept in the form as JSON text (the form holds strings and booleans). */
export function readDrafts(state: string | boolean | undefined): LineDraft[] {
  if (typeof state !== 'string' || state === '') return [];
  try {
    const parsed = JSON.parse(state) as unknown;
    return Array.isArray(parsed) ? (parsed as LineDraft[]) : [];
  } catch {
    return [];
  }
}

export function writeDrafts(drafts: readonly LineDraft[]): string {
  return JSON.stringify(drafts);
}

/** The ids of a refs field, kept in the form as JSON text too. */
export function readIds(state: string | boolean | undefined): string[] {
  if (typeof state !== 'string' || state === '') return [];
  try {
    const parsed = JSON.parse(state) as unknown;
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
