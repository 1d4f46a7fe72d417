/** Texts of the tasks views; zh-CN is the reference, en has the same keys. */
export const tasksZh = {} as const;

export const tasksEn: Record<keyof typeof tasksZh, string> = {};
