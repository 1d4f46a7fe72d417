import { isEntityName, type EntityName } from '../../src-shared/entities/index';

/** Views that are not one entity's list or record: the pipeline, the funnel, my tasks, the pool, the admin screens. */
export const pageNames = ['pipeline', 'funnel', 'myTasks', 'pool', 'adminUsers', 'adminDepartments', 'adminRoles', 'adminDevices', 'adminLogins'] as const;
export type PageName = (typeof pageNames)[number];
/** The pages only administrators are offered (the sidebar's 管理 group). */
export const adminPages = ['adminUsers', 'adminDepartments', 'adminRoles', 'adminDevices', 'adminLogins'] as const satisfies readonly PageName[];

/** The places the app can show; each has one URL hash so Back/Forward and reloads work. */
export type Route =
  | { view: 'list'; entity: EntityName }
  | { view: 'detail'; entity: EntityName; id: string }
  /** A record's printable document (the quote print view). */
  | { view: 'print'; entity: EntityName; id: string }
  | { view: 'page'; page: PageName }
  | { view: 'conflicts' };

/** URL segment of each module: #/accounts, #/contacts, #/payment-plans. */
const segments: Record<EntityName, string> = {
  account: 'accounts',
  contact: 'contacts',
  lead: 'leads',
  opportunity: 'opportunities',
  activity: 'activities',
  task: 'tasks',
  product: 'products',
  quote: 'quotes',
  order: 'orders',
  contract: 'contracts',
  payment_plan: 'payment-plans',
  payment: 'payments',
  competitor: 'competitors',
  stage: 'stages',
  pool_rule: 'pool-rules',
};
/** A page's path: one segment, or two under admin/ (#/admin/users). */
const pageSegments: Record<PageName, string> = {
  pipeline: 'pipeline',
  funnel: 'funnel',
  myTasks: 'my-tasks',
  pool: 'pool',
  adminUsers: 'admin/users',
  adminDepartments: 'admin/departments',
  adminRoles: 'admin/roles',
  adminDevices: 'admin/devices',
  adminLogins: 'admin/logins',
};
const CONFLICTS = 'conflicts';
const PRINT = 'print';

export const defaultRoute: Route = { view: 'list', entity: 'account' };

/** The list URL of a module, for links (#/opportunities). */
export function listHash(entity: EntityName): string {
  return `#/${segments[entity]}`;
}

export function pageHash(page: PageName): string {
  return `#/${pageSegments[page]}`;
}

export function routeToHash(route: Route): string {
  if (route.view === 'conflicts') return `#/${CONFLICTS}`;
  if (route.view === 'page') return pageHash(route.page);
  const base = `#/${segments[route.entity]}`;
  if (route.view === 'print') return `${base}/${encodeURIComponent(route.id)}/${PRINT}`;
  return route.view === 'detail' ? `${base}/${encodeURIComponent(route.id)}` : base;
}

export function parseHash(hash: string): Route {
  const [segment, id, sub] = hash.replace(/^#\/?/, '').split('/');
  if (segment === CONFLICTS) return { view: 'conflicts' };
  const page = pageNames.find((name) => pageSegments[name] === `${segment}/${id}`) ?? pageNames.find((name) => pageSegments[name] === segment);
  if (page) return { view: 'page', page };
  const entity = (Object.keys(segments) as EntityName[]).find((name) => segments[name] === segment);
  if (!entity || !isEntityName(entity)) return defaultRoute;
  if (id && sub === PRINT) return { view: 'print', entity, id: decodeURIComponent(id) };
  return id ? { view: 'detail', entity, id: decodeURIComponent(id) } : { view: 'list', entity };
}

export function sameRoute(a: Route, b: Route): boolean {
  return routeToHash(a) === routeToHash(b);
}

/** The module a route belongs to, for the sidebar's highlight. */
export function routeEntity(route: Route): EntityName | null {
  return route.view === 'list' || route.view === 'detail' || route.view === 'print' ? route.entity : null;
}
