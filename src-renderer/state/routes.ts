import { isEntityName, type EntityName } from '../../src-shared/entities/index';

/** The places the app can show; each has one URL hash so Back/Forward and reloads work. */
export type Route = { view: 'list'; entity: EntityName } | { view: 'detail'; entity: EntityName; id: string } | { view: 'conflicts' };

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
};
const CONFLICTS = 'conflicts';

export const defaultRoute: Route = { view: 'list', entity: 'account' };

/** The list URL of a module, for links (#/opportunities). */
export function listHash(entity: EntityName): string {
  return `#/${segments[entity]}`;
}

export function routeToHash(route: Route): string {
  if (route.view === 'conflicts') return `#/${CONFLICTS}`;
  const base = `#/${segments[route.entity]}`;
  return route.view === 'detail' ? `${base}/${encodeURIComponent(route.id)}` : base;
}

export function parseHash(hash: string): Route {
  const [segment, id] = hash.replace(/^#\/?/, '').split('/');
  if (segment === CONFLICTS) return { view: 'conflicts' };
  const entity = (Object.keys(segments) as EntityName[]).find((name) => segments[name] === segment);
  if (!entity || !isEntityName(entity)) return defaultRoute;
  return id ? { view: 'detail', entity, id: decodeURIComponent(id) } : { view: 'list', entity };
}

export function sameRoute(a: Route, b: Route): boolean {
  return routeToHash(a) === routeToHash(b);
}
