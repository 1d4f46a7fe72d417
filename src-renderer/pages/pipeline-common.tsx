import { Icon } from '../components/icons';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/app.store';

/** What the kanban and the funnel show while their figures load. */
export function PipelineLoading() {
  const t = useT();
  return (
    <div className="page-message">
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </div>
  );
}

/** No active stage: the kanban and the funnel have nothing to draw; the stages list is where to fix it. */
export function NoStages({ testId }: { testId: string }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  return (
    <div className="pipeline-empty">
      <div className="empty-state" data-testid={testId}>
        <div className="empty-illustration" aria-hidden="true">
          <Icon name="stages" size={40} />
        </div>
        <h2>{t('empty.stage.title')}</h2>
        <p>{t('pipeline.noStages.body')}</p>
        <button type="button" className="btn btn-primary btn-large" onClick={() => navigate({ view: 'list', entity: 'stage' })}>
          {t('pipeline.openStages')}
        </button>
      </div>
    </div>
  );
}
