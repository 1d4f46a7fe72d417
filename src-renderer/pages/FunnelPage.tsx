/** Placeholder until the view is built. */
export function FunnelPage() {
  return <div className="page" data-testid="page-todo" />;
}
