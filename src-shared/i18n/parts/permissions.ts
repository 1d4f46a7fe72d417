/**
 * Texts of permissions on the client: read-only fields in forms, and what a role refuses (the
 * core's own checks and the server's rejections in the inbox use the same issue keys,
 * permission.<action> and permission.field*); zh-CN is the reference.
 */
export const permissionsZh = {
  'permission.readonly': '只读',
  'permission.readonlyHint': '你的角色可以查看但不能修改此字段',
  'permission.refused': '你的角色不允许这样修改',
  'permission.fieldHidden': '你的角色不能查看或修改此字段',
  'permission.fieldReadonly': '你的角色不能修改此字段（只读）',
  'permission.create': '你的角色不能新建此类记录',
  'permission.read': '你的角色不能查看此类记录',
  'permission.update': '你的角色不能修改此类记录',
  'permission.delete': '你的角色不能删除此类记录',
  'permission.export': '你的角色不能导出此类记录',
  'permission.assign': '你的角色不能把记录分配给其他人',
  'permission.pool': '你的角色不能从公海领取客户',
} as const;

export const permissionsEn: Record<keyof typeof permissionsZh, string> = {
  'permission.readonly': 'Read-only',
  'permission.readonlyHint': 'Your role may see this field but not change it',
  'permission.refused': 'Your role does not allow this change',
  'permission.fieldHidden': 'Your role may not see or change this field',
  'permission.fieldReadonly': 'Your role may not change this field (read-only)',
  'permission.create': 'Your role may not create records of this kind',
  'permission.read': 'Your role may not see records of this kind',
  'permission.update': 'Your role may not change records of this kind',
  'permission.delete': 'Your role may not delete records of this kind',
  'permission.export': 'Your role may not export records of this kind',
  'permission.assign': 'Your role may not give records to someone else',
  'permission.pool': 'Your role may not claim accounts from the pool',
};
