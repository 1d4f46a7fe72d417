/** Placeholder until the view is built. */
export function MyTasksPage() {
  return <div className="page" data-testid="page-todo" />;
}
