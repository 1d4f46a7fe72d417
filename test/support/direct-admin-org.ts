import { AdminService } from '../../src-server/auth/admin.service';
import { OrgError, OrgRepository } from '../../src-server/auth/org.repository';
import type { UserRepository } from '../../src-server/auth/user.repository';
import type { SqlStore } from '../../src-server/store/sql-store';
import { SyncFailure } from '../../src-main/core/sync/sync-connection';
import type { AdminOrgAnswer, AdminOrgRequest, OrgAnswer } from '../../src-shared/sync/admin-org.contract';

/**
 * The organisation's admin routes answered in-process (for the DirectConnector), with the same
 * refusals: FORBIDDEN for non-admins, an OrgError's reason as the answer.
 */
export async function directAdminOrg<R extends AdminOrgRequest>(
  store: SqlStore,
  users: UserRepository,
  asker: { isAdmin: boolean; userId: string },
  call: R,
): Promise<OrgAnswer<AdminOrgAnswer<R['op']>>> {
  if (!asker.isAdmin) throw new SyncFailure('FORBIDDEN', 'only administrators may do this');
  const org = new OrgRepository(store);
  const run = async (): Promise<unknown> => {
    switch (call.op) {
      case 'departments':
        return { departments: await org.departments() };
      case 'createDepartment':
        return org.createDepartment({ name: call.name, parentId: call.parentId });
      case 'updateDepartment':
        return org.updateDepartment(call.id, { name: call.name, parentId: call.parentId });
      case 'deleteDepartment':
        await org.deleteDepartment(call.id);
        return { id: call.id, deleted: true };
      case 'roles':
        return { roles: await org.roles() };
      case 'createRole':
        return org.createRole(call.code, call.definition);
      case 'updateRole':
        return org.updateRole(call.code, call.definition);
      case 'resetRole':
        return org.resetRole(call.code);
      case 'deleteRole':
        await org.deleteRole(call.code);
        return { code: call.code, deleted: true };
      case 'updateUser': {
        await org.updateUser(call.id, call.change, { userId: asker.userId });
        return (await new AdminService(users).users()).find((u) => u.id === call.id);
      }
      default: {
        const exhaustive: never = call;
        return exhaustive;
      }
    }
  };
  try {
    return { ok: true, value: (await run()) as AdminOrgAnswer<R['op']> };
  } catch (error) {
    if (error instanceof OrgError) return { ok: false, refusal: { code: error.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message: error.message, reason: error.reason, params: error.params } };
    throw error;
  }
}
