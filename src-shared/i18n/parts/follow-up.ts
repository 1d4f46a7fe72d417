/** Texts of follow-up discipline (tasks made from activities); zh-CN is the reference. */
export const followUpZh = {
  'followUp.taskTitle': '跟进 {name}',
} as const;

export const followUpEn: Record<keyof typeof followUpZh, string> = {
  'followUp.taskTitle': 'Follow up with {name}',
};
