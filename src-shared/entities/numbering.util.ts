import type { EntityName } from './index';

/** Number prefixes of server-assigned fields: 客户编号 C-000123, 报价 Q-, 订单 SO-, 合同 HT- (合同). */
const PREFIX: Record<string, string> = { 'account.customerNo': 'C', 'quote.quoteNo': 'Q', 'order.orderNo': 'SO', 'contract.contractNo': 'HT' };

function prefixOf(entity: EntityName, field: string): string {
  return PREFIX[`${entity}.${field}`] ?? entity.slice(0, 3).toUpperCase();
}

/** The number the server assigns: prefix and a zero-padded sequence. */
export function assignedNumber(entity: EntityName, field: string, n: number): string {
  return `${prefixOf(entity, field)}-${String(n).padStart(6, '0')}`;
}

/**
 * What a record made offline shows until the server assigns the real number: the prefix, a T
 * (temporary) and the end of the record's id, so two provisional numbers never look alike.
 */
export function provisionalNumber(entity: EntityName, field: string, id: string): string {
  return `${prefixOf(entity, field)}-T${id.replace(/-/g, '').slice(-6).toUpperCase()}`;
}

export function isProvisionalNumber(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Z]+-T[0-9A-F]{6}$/.test(value);
}
