/** Texts of the pipeline views; zh-CN is the reference, en has the same keys. */
export const pipelineZh = {} as const;

export const pipelineEn: Record<keyof typeof pipelineZh, string> = {};
