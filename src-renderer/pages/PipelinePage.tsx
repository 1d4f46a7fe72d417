/** Placeholder until the view is built. */
export function PipelinePage() {
  return <div className="page" data-testid="page-todo" />;
}
