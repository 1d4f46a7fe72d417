import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type { MessageKey };
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zhCN, key);
}

/** zh-CN when the OS (or browser) locale is any Chinese one, en otherwise. */
export function pickLocale(osLocale: string | undefined | null): Locale {
  return osLocale && /^zh\b/i.test(osLocale) ? 'zh-CN' : 'en';
}

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en';
}

/**
 * Looks a key up and fills `{name}` placeholders. Keys built at run time (field and enum labels)
 * fall back to the key itself, so a missing label shows up plainly instead of as an empty cell.
 */
export function translate(locale: Locale, key: string, params?: Record<string, string | number>): string {
  const dict = dictionaries[locale];
  const text = isMessageKey(key) ? dict[key] : key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function fieldLabelKey(entity: string, field: string): string {
  return ['id', 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt'].includes(field) ? `field.system.${field}` : `field.${entity}.${field}`;
}

export function enumLabelKey(enumName: string, value: string): string {
  return `enum.${enumName}.${value}`;
}
