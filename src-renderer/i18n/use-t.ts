import { useMemo } from 'react';
import { enumLabelKey, fieldLabelKey, translate, type Locale, type MessageKey } from '../../src-shared/i18n/index';
import { useApp } from '../state/app.store';

type Params = Record<string, string | number>;

/**
 * Translation for components. `t` takes only keys that exist in the resources (checked at compile
 * time); labels derived from entity definitions at run time go through `field`, `enumLabel` and `dyn`.
 */
export interface Translator {
  (key: MessageKey, params?: Params): string;
  locale: Locale;
  dyn(key: string, params?: Params): string;
  field(entity: string, field: string): string;
  enumLabel(enumName: string, value: string): string;
}

export function makeTranslator(locale: Locale): Translator {
  const t = ((key: MessageKey, params?: Params) => translate(locale, key, params)) as Translator;
  t.locale = locale;
  t.dyn = (key, params) => translate(locale, key, params);
  t.field = (entity, field) => translate(locale, fieldLabelKey(entity, field));
  t.enumLabel = (enumName, value) => translate(locale, enumLabelKey(enumName, value));
  return t;
}

export function useT(): Translator {
  const locale = useApp((s) => s.locale);
  return useMemo(() => makeTranslator(locale), [locale]);
}
