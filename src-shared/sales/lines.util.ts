import type { LineItem } from '../entities/field';

/**
 * Line amounts and totals in integer minor units (分). Quantities carry up to three decimals and
 * discounts are basis points, so the arithmetic is done in BigInt on thousandths of a unit and
 * rounded once per line, half away from zero: the same on every client and on the server.
 */
export const MAX_QTY = 1_000_000_000;

export function qtyThousandths(qty: number): bigint {
  return BigInt(Math.round(qty * 1000));
}

function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r * 2n >= d) return q + 1n;
  if (r * 2n <= -d) return q - 1n;
  return q;
}

/** The list amount of a line before its discount: qty × unit price. */
export function lineGross(line: Pick<LineItem, 'qty' | 'unitPrice'>): number {
  return Number(divRound(qtyThousandths(line.qty) * BigInt(line.unitPrice), 1000n));
}

/** What the line costs the customer: qty × unit price × (1 − discount). */
export function lineAmount(line: Pick<LineItem, 'qty' | 'unitPrice' | 'discountBp'>): number {
  return Number(divRound(qtyThousandths(line.qty) * BigInt(line.unitPrice) * BigInt(10_000 - line.discountBp), 10_000_000n));
}

export interface LineTotals {
  subtotal: number;
  discountTotal: number;
  total: number;
}

export function linesTotals(lines: readonly LineItem[]): LineTotals {
  let subtotal = 0;
  let total = 0;
  for (const line of lines) {
    subtotal += lineGross(line);
    total += lineAmount(line);
  }
  return { subtotal, discountTotal: subtotal - total, total };
}

/** A line for a product at its list price. */
export function lineForProduct(product: { id: string; name: string; code: string | null; unit: string | null; listPrice: number }, qty = 1): LineItem {
  return { productId: product.id, name: product.name, code: product.code, unit: product.unit, qty, unitPrice: product.listPrice, discountBp: 0 };
}
