/** Placeholder until the view is built. */
export function QuotePrintPage({ id }: { id: string }) {
  return <div className="page" data-testid="page-todo" data-id={id} />;
}
