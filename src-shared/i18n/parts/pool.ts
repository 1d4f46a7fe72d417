/** Texts of the pool views; zh-CN is the reference, en has the same keys. */
export const poolZh = {} as const;

export const poolEn: Record<keyof typeof poolZh, string> = {};
