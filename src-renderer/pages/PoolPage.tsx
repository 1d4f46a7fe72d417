/** Placeholder until the view is built. */
export function PoolPage() {
  return <div className="page" data-testid="page-todo" />;
}
