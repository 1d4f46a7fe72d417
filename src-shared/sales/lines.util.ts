import { z } from 'zod';

/** Quantities above this are refused (a typing slip, not an order). */
export const MAX_QTY = 1_000_000_000;

/**
 * A line item as it travels in the sync protocol: the right keys with the right types. Ranges are
 * checked per record (lineItemSchema), so one bad line is one refused change, not a refused push.
 */
export const lineItemShape = z.object({
  productId: z.string().max(64).nullable(),
  name: z.string().max(200),
  code: z.string().max(40).nullable(),
  unit: z.string().max(20).nullable(),
  qty: z.number(),
  unitPrice: z.number(),
  discountBp: z.number(),
});

/** A line item as stored (see LinesField): quantities up to three decimals, money in minor units. */
export const lineItemSchema = z.object(
  {
    productId: z.string().min(1).max(64).nullable().default(null),
    name: z.string({ error: 'validation.lines' }).trim().min(1, { error: 'validation.lines' }).max(200, { error: 'validation.lines' }),
    code: z.string().max(40).nullable().default(null),
    unit: z.string().max(20).nullable().default(null),
    qty: z
      .number({ error: 'validation.lines' })
      .positive({ error: 'validation.lines' })
      .max(MAX_QTY, { error: 'validation.lines' })
      .refine((q) => Math.abs(Math.round(q * 1000) - q * 1000) < 1e-6, { error: 'validation.lines' }),
    unitPrice: z.number({ error: 'validation.lines' }).int({ error: 'validation.lines' }).min(0, { error: 'validation.lines' }).max(1e13, { error: 'validation.lines' }),
    discountBp: z.number({ error: 'validation.lines' }).int({ error: 'validation.lines' }).min(0, { error: 'validation.lines' }).max(10_000, { error: 'validation.lines' }).default(0),
  },
  { error: 'validation.lines' },
);

/**
 * One line: the product (null for a free-text line) with its name, code and unit as they were when
 * the line was made, the quantity, the unit price in minor units (分) and the discount in basis
 * points of the line (1,000 = 10% off).
 */
export type LineItem = z.output<typeof lineItemShape>;

/**
 * Line amounts and totals in integer minor units (分). Quantities carry up to three decimals and
 * discounts are basis points, so the arithmetic is done in BigInt on thousandths of a unit and
 * rounded once per line, half away from zero: the same on every client and on the server.
 */
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
