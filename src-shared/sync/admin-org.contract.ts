import type { z } from 'zod';
import type { RoleDefinition } from '../permissions/access';
import {
  adminDepartment,
  adminDepartmentDeleted,
  adminDepartmentsResponse,
  adminRole,
  adminRoleDeleted,
  adminRolesResponse,
  adminUser,
  type AdminDepartmentCreate,
  type AdminDepartmentUpdate,
  type AdminRoleCreate,
  type AdminRoleUpdate,
  type AdminUserUpdate,
  type OrgRefusal,
} from './protocol.contract';

/**
 * The organisation's admin requests (departments, roles, users' places in it) as one call the
 * client's connections carry: each names its HTTP route here, once, so the WebSocket connector
 * and the in-process test connector cannot drift apart. Changes answer either the server's value
 * or its refusal with a reason (`OrgAnswer`), which the client shows in words.
 */
export type AdminOrgRequest =
  | { op: 'departments' }
  | { op: 'createDepartment'; name: string; parentId: string | null }
  | { op: 'updateDepartment'; id: string; name?: string | undefined; parentId?: string | null | undefined }
  | { op: 'deleteDepartment'; id: string }
  | { op: 'roles' }
  | { op: 'createRole'; code: string; definition: RoleDefinition }
  | { op: 'updateRole'; code: string; definition: RoleDefinition }
  | { op: 'resetRole'; code: string }
  | { op: 'deleteRole'; code: string }
  | { op: 'updateUser'; id: string; change: AdminUserUpdate };
export type AdminOrgOp = AdminOrgRequest['op'];

/** What each request answers (the route's body, unwrapped for the lists). */
export const adminOrgAnswers = {
  departments: adminDepartmentsResponse,
  createDepartment: adminDepartment,
  updateDepartment: adminDepartment,
  deleteDepartment: adminDepartmentDeleted,
  roles: adminRolesResponse,
  createRole: adminRole,
  updateRole: adminRole,
  resetRole: adminRole,
  deleteRole: adminRoleDeleted,
  updateUser: adminUser,
} as const satisfies Record<AdminOrgOp, z.ZodType>;
export type AdminOrgAnswer<Op extends AdminOrgOp> = z.infer<(typeof adminOrgAnswers)[Op]>;

export type OrgAnswer<T> = { ok: true; value: T } | { ok: false; refusal: OrgRefusal };

const seg = encodeURIComponent;

/** The HTTP request of an admin org call: method, path under the server's base, and JSON body. */
/** The JSON body an admin org call sends (an empty object for a reset). */
export type AdminOrgBody = AdminDepartmentCreate | AdminDepartmentUpdate | AdminRoleCreate | AdminRoleUpdate | AdminUserUpdate | Record<string, never>;

export function adminOrgRoute(request: AdminOrgRequest): { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; body?: AdminOrgBody } {
  switch (request.op) {
    case 'departments':
      return { method: 'GET', path: '/v1/admin/departments' };
    case 'createDepartment':
      return { method: 'POST', path: '/v1/admin/departments', body: { name: request.name, parentId: request.parentId } };
    case 'updateDepartment':
      return {
        method: 'PATCH',
        path: `/v1/admin/departments/${seg(request.id)}`,
        body: { ...(request.name !== undefined ? { name: request.name } : {}), ...(request.parentId !== undefined ? { parentId: request.parentId } : {}) },
      };
    case 'deleteDepartment':
      return { method: 'DELETE', path: `/v1/admin/departments/${seg(request.id)}` };
    case 'roles':
      return { method: 'GET', path: '/v1/admin/roles' };
    case 'createRole':
      return { method: 'POST', path: '/v1/admin/roles', body: { code: request.code, definition: request.definition } };
    case 'updateRole':
      return { method: 'PUT', path: `/v1/admin/roles/${seg(request.code)}`, body: { definition: request.definition } };
    case 'resetRole':
      return { method: 'POST', path: `/v1/admin/roles/${seg(request.code)}/reset`, body: {} };
    case 'deleteRole':
      return { method: 'DELETE', path: `/v1/admin/roles/${seg(request.code)}` };
    case 'updateUser':
      return { method: 'PATCH', path: `/v1/admin/users/${seg(request.id)}`, body: request.change };
    default: {
      const exhaustive: never = request;
      return exhaustive;
    }
  }
}
