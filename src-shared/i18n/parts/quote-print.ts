/** Texts of the quote-print views; zh-CN is the reference, en has the same keys. */
export const quotePrintZh = {} as const;

export const quotePrintEn: Record<keyof typeof quotePrintZh, string> = {};
