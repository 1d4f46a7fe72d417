import { useEffect, useState } from 'react';
import type { MethodOutput, MyTask, MyTaskSection } from '../../src-shared/api/client-api.contract';
import { api, onCoreEvent } from '../api/client';
import { Icon, entityIcon } from '../components/icons';
import { formatDueRelative } from '../format/due-time';
import { formatDateTime } from '../format/field-format';
import { useT, type Translator } from '../i18n/use-t';
import { useCan } from '../state/access';
import { reportError, useApp } from '../state/app.store';
import type { Loadable } from '../state/use-record';
import { useNow } from '../state/use-now';
import '../styles/tasks.css';

type MyTasks = MethodOutput<'task.mine'>;
type SectionName = 'overdue' | 'today' | 'upcoming' | 'undated';

const sections: { name: SectionName; title: 'tasks.section.overdue' | 'tasks.section.today' | 'tasks.section.upcoming' | 'tasks.section.undated'; none: `tasks.section.none.${SectionName}` }[] = [
  { name: 'overdue', title: 'tasks.section.overdue', none: 'tasks.section.none.overdue' },
  { name: 'today', title: 'tasks.section.today', none: 'tasks.section.none.today' },
  { name: 'upcoming', title: 'tasks.section.upcoming', none: 'tasks.section.none.upcoming' },
  { name: 'undated', title: 'tasks.section.undated', none: 'tasks.section.none.undated' },
];

/**
 * My open tasks from the core's sections, reloaded when a task changes, when the views reload
 * (reconnect, replica replaced) and every minute, so a task moves from 今天 to 已逾期 when its time
 * passes. Changes arriving while a load runs fold into one more load.
 */
function useMyTasks(minute: number): Loadable<MyTasks> {
  const [state, setState] = useState<Loadable<MyTasks>>({ status: 'loading' });
  const dataEpoch = useApp((s) => s.dataEpoch);

  useEffect(() => {
    let cancelled = false;
    let busy = false;
    let again = false;
    const load = async () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const value = await api['task.mine']({ tzOffsetMinutes: new Date().getTimezoneOffset() });
          if (!cancelled) setState({ status: 'ready', value });
        } while (again && !cancelled);
      } catch (error) {
        if (!cancelled) setState((prev) => (prev.status === 'ready' ? prev : { status: 'error' }));
        reportError(error);
      } finally {
        busy = false;
      }
    };
    void load();
    const off = onCoreEvent((event) => {
      if (event.type === 'changed' && event.entity === 'task') void load();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [dataEpoch, minute]);

  return state;
}

/** 我的任务: my open tasks by when they are due, to tick off, open, or add to. */
export function MyTasksPage() {
  const t = useT();
  const openForm = useApp((s) => s.openForm);
  const now = useNow(30_000);
  const state = useMyTasks(Math.floor(now / 60_000));
  const [completing, setCompleting] = useState<ReadonlySet<string>>(new Set());

  // The creator owns a new task (the core's rule), so a task made here is mine.
  const create = () => openForm({ entity: 'task' });
  const canCreate = useCan('task', 'create');

  const complete = async (task: MyTask) => {
    setCompleting((s) => new Set(s).add(task.id));
    const { pushToast, dismissToast } = useApp.getState();
    const done = () =>
      setCompleting((s) => {
        const next = new Set(s);
        next.delete(task.id);
        return next;
      });
    try {
      await api['record.update']({ entity: 'task', id: task.id, values: { status: 'done' } });
    } catch (error) {
      done();
      reportError(error);
      return;
    }
    const toastId = pushToast({
      kind: 'success',
      message: { key: 'tasks.completed', params: { name: task.title } },
      timeoutMs: 8000,
      action: {
        label: 'common.undo',
        run: () => {
          dismissToast(toastId);
          api['record.update']({ entity: 'task', id: task.id, values: { status: 'open' } })
            .then(() => pushToast({ kind: 'info', message: { key: 'tasks.reopened', params: { name: task.title } } }))
            .catch(reportError);
        },
      },
    });
  };

  const value = state.status === 'ready' ? state.value : null;
  const total = value ? value.overdue.count + value.today.count + value.upcoming.count + value.undated.count : null;

  return (
    <section className="page tasks-page" data-testid="my-tasks">
      <header className="page-header">
        <div className="page-title">
          <h1>{t('nav.myTasks')}</h1>
          <span className="page-count" data-testid="tasks-total">
            {total === null ? t('common.loading') : t('tasks.summary', { count: total.toLocaleString(t.locale) })}
          </span>
        </div>
        <div className="toolbar">
          {canCreate && (
            <button type="button" className="btn btn-primary" onClick={create} data-testid="new-task">
              <Icon name="plus" />
              {t('task.new')}
            </button>
          )}
        </div>
      </header>
      {state.status === 'loading' && (
        <div className="page-message">
          <span className="spinner" aria-hidden="true" />
          {t('common.loading')}
        </div>
      )}
      {state.status === 'error' && <div className="page-message">{t('error.internal')}</div>}
      {value && total === 0 && (
        <div className="tasks-empty" data-testid="tasks-empty">
          <div className="empty-illustration" aria-hidden="true">
            <Icon name="myTasks" size={40} />
          </div>
          <h2>{t('tasks.empty.title')}</h2>
          <p>{t('tasks.empty.body')}</p>
          {canCreate && (
            <button type="button" className="btn btn-primary btn-large" onClick={create} data-testid="tasks-empty-create">
              <Icon name="plus" />
              {t('task.new')}
            </button>
          )}
        </div>
      )}
      {value && total !== 0 && (
        <div className="task-sections">
          {sections.map(({ name, title, none }) => (
            <TaskSection key={name} name={name} title={t(title)} none={t(none)} section={value[name]} now={now} completing={completing} onComplete={(task) => void complete(task)} />
          ))}
        </div>
      )}
    </section>
  );
}

interface TaskSectionProps {
  name: SectionName;
  title: string;
  none: string;
  section: MyTaskSection;
  now: number;
  completing: ReadonlySet<string>;
  onComplete(task: MyTask): void;
}

function TaskSection({ name, title, none, section, now, completing, onComplete }: TaskSectionProps) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const hidden = section.count - section.rows.length;
  return (
    <section className={`card task-section task-section-${name}`} data-testid={`tasks-${name}`}>
      <header className="card-header">
        <h2 className="card-title">
          {name === 'overdue' && section.count > 0 && <Icon name="alert" className="task-section-alert" />}
          {title}
          <span className="count-pill" data-testid="section-count">
            {section.count.toLocaleString(t.locale)}
          </span>
        </h2>
      </header>
      {section.rows.length === 0 ? (
        <div className="card-message">{none}</div>
      ) : (
        <ul className="task-list">
          {section.rows.map((task) => (
            <TaskRow key={task.id} task={task} overdue={name === 'overdue'} now={now} done={completing.has(task.id)} onComplete={() => onComplete(task)} />
          ))}
        </ul>
      )}
      {hidden > 0 && (
        <div className="card-message task-more">
          {t('tasks.section.more', { count: hidden.toLocaleString(t.locale) })}
          <button type="button" className="link" onClick={() => navigate({ view: 'list', entity: 'task' })}>
            {t('tasks.viewAll')}
          </button>
        </div>
      )}
    </section>
  );
}

function dueTexts(dueAt: number, now: number, t: Translator): { relative: string; absolute: string } {
  return { relative: formatDueRelative(dueAt, now, new Date(now).getTimezoneOffset(), t.locale), absolute: formatDateTime(dueAt, t.locale) };
}

function TaskRow({ task, overdue, now, done, onComplete }: { task: MyTask; overdue: boolean; now: number; done: boolean; onComplete(): void }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const due = task.dueAt === null ? null : dueTexts(task.dueAt, now, t);
  const title = task.title || t('record.noTitle');
  return (
    <li className={`task-row${overdue ? ' is-overdue' : ''}${done ? ' is-done' : ''}`} data-testid="task-row" data-task-id={task.id}>
      <input type="checkbox" className="task-check" checked={done} disabled={done} onChange={onComplete} aria-label={t('tasks.complete', { title })} data-testid="task-complete" />
      <div className="task-main">
        <div className="task-line">
          <button type="button" className="link task-title" onClick={() => navigate({ view: 'detail', entity: 'task', id: task.id })} data-testid="task-title">
            {title}
          </button>
          {task.source !== 'manual' && (
            <span className="badge badge-tone-progress chip-small" title={t('tasks.ruleHint')} data-testid="task-source">
              {t.enumLabel('taskSource', task.source)}
            </span>
          )}
        </div>
        {(task.related || task.remindAt !== null) && (
          <div className="task-meta">
            {task.related && (
              <button
                type="button"
                className="link task-related"
                onClick={() => task.related && navigate({ view: 'detail', entity: task.related.entity, id: task.related.id })}
                title={t.dyn(`entity.${task.related.entity}`)}
                data-testid="task-related"
              >
                <Icon name={entityIcon[task.related.entity]} size={13} />
                {task.related.title || t('record.noTitle')}
              </button>
            )}
            {task.remindAt !== null && <span className="task-remind">{t('tasks.remindAt', { time: formatDateTime(task.remindAt, t.locale) })}</span>}
          </div>
        )}
      </div>
      {due && (
        <div className="task-due" title={due.absolute} data-testid="task-due">
          <span className="task-due-relative">
            {overdue && <Icon name="alert" size={13} />}
            {overdue && <span className="sr-only">{t('tasks.overdueFlag')}</span>}
            {due.relative}
          </span>
          <span className="task-due-absolute">{due.absolute}</span>
        </div>
      )}
    </li>
  );
}
