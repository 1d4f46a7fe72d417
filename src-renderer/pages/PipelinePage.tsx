import { useState, type DragEvent } from 'react';
import type { PipelineCard } from '../../src-shared/api/client-api.contract';
import { stageAge } from '../../src-shared/sales/pipeline.util';
import { api } from '../api/client';
import { Icon } from '../components/icons';
import { UserName } from '../components/UserName';
import { formatDate, formatMoney } from '../format/field-format';
import { useT, type Translator } from '../i18n/use-t';
import { NoStages, PipelineLoading } from './pipeline-common';
import { useCan } from '../state/access';
import { reportError, useApp } from '../state/app.store';
import { usePipelineFilters } from '../state/pipeline.store';
import { amountLines, boardCount, moveCard, ownerIdsFor, stageName, type Board, type BoardStage } from '../state/pipeline-view';
import { usePipelineQuery } from '../state/use-pipeline';
import { LostReasonDialog } from './LostReasonDialog';
import { CloseMonthInput, OwnerSelect } from './PipelineFilters';
import '../styles/pipeline.css';

/** Cards per column at first, and the step and ceiling of "show more" (the API's perStage limit). */
const PER_STAGE = 50;
const PER_STAGE_MAX = 200;

/** The drag payload's type: a card dropped from elsewhere (text, a file) is not a deal. */
const CARD_MIME = 'application/x-crm-opportunity';

/** A move shown before the core's next answer: applied only to the board it was made on. */
interface PendingMove {
  id: string;
  to: string;
  on: Board;
}

/**
 * 销售看板: a column per active stage with its count and total, deal cards in close-date order.
 * Dragging a card to another column (or its "移到阶段…" menu) writes the deal's stage locally, so
 * it works offline and syncs later; a lost stage asks for the reason first.
 */
export function PipelinePage() {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const openForm = useApp((s) => s.openForm);
  const pushToast = useApp((s) => s.pushToast);
  const meId = useApp((s) => s.info?.user.id ?? null);
  const owner = usePipelineFilters((s) => s.owner);
  const closeMonth = usePipelineFilters((s) => s.closeMonth);
  const setOwner = usePipelineFilters((s) => s.setOwner);
  const setCloseMonth = usePipelineFilters((s) => s.setCloseMonth);
  const [perStage, setPerStage] = useState(PER_STAGE);
  const query = usePipelineQuery('pipeline.board', { ownerIds: ownerIdsFor(owner, meId), closeMonth, perStage });
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [askLost, setAskLost] = useState<{ card: PipelineCard; stage: BoardStage } | null>(null);
  const [dragging, setDragging] = useState<{ id: string; from: string } | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);

  const loaded = query.state.status === 'ready' ? query.state.value : null;
  const board = loaded && pending && pending.on === loaded ? moveCard(loaded, pending.id, pending.to) : loaded;
  const filtered = owner.kind !== 'all' || closeMonth !== null;

  const write = async (card: PipelineCard, to: BoardStage, lostReason?: string) => {
    if (!loaded) return;
    setPending({ id: card.id, to: to.id, on: loaded });
    try {
      await api['record.update']({ entity: 'opportunity', id: card.id, values: lostReason === undefined ? { stageId: to.id } : { stageId: to.id, lostReason } });
      pushToast({ kind: 'success', message: { key: 'pipeline.moved', params: { name: card.name, stage: stageName(to, t.locale) } } });
    } catch (error) {
      setPending(null);
      throw error;
    }
  };

  const move = (cardId: string, toStageId: string) => {
    const from = board?.stages.find((stage) => stage.cards.some((c) => c.id === cardId));
    const card = from?.cards.find((c) => c.id === cardId);
    const to = board?.stages.find((stage) => stage.id === toStageId);
    if (!card || !to || from?.id === to.id) return;
    if (to.kind === 'lost') setAskLost({ card, stage: to });
    else write(card, to).catch(reportError);
  };

  const canCreate = useCan('opportunity', 'create');
  const create = () => {
    const first = board?.stages.find((stage) => stage.kind === 'open');
    openForm({ entity: 'opportunity', ...(first ? { defaults: { stageId: first.id } } : {}) });
  };
  const clearFilters = () => {
    setOwner({ kind: 'all' });
    setCloseMonth(null);
  };

  const total = board ? boardCount(board) : null;
  let body;
  if (query.state.status === 'loading') {
    body = <PipelineLoading />;
  } else if (!board) {
    body = <div className="page-message">{t('error.internal')}</div>;
  } else if (board.stages.length === 0) {
    body = <NoStages testId="pipeline-no-stages" />;
  } else if (total === 0 && !filtered) {
    body = (
      <div className="pipeline-empty">
        <div className="empty-state" data-testid="pipeline-empty">
          <div className="empty-illustration" aria-hidden="true">
            <Icon name="pipeline" size={40} />
          </div>
          <h2>{t('pipeline.empty.title')}</h2>
          <p>{t('pipeline.empty.body')}</p>
          {canCreate && (
            <button type="button" className="btn btn-primary btn-large" onClick={create} data-testid="pipeline-empty-create">
              <Icon name="plus" />
              {t('pipeline.new')}
            </button>
          )}
        </div>
      </div>
    );
  } else {
    body = (
      <>
        {total === 0 && (
          <div className="pipeline-notice" role="status" data-testid="pipeline-no-matches">
            <span>{t('pipeline.noMatches')}</span>
            <button type="button" className="btn btn-small" onClick={clearFilters}>
              {t('pipeline.clearFilters')}
            </button>
          </div>
        )}
        <div className="pipeline-board" data-testid="pipeline-board">
          {board.stages.map((stage) => (
            <Column
              key={stage.id}
              t={t}
              stage={stage}
              stages={board.stages}
              asOf={board.asOf}
              dragging={dragging}
              isDropTarget={dropTarget === stage.id}
              canShowMore={perStage < PER_STAGE_MAX}
              onShowMore={() => setPerStage((n) => Math.min(PER_STAGE_MAX, n + PER_STAGE))}
              onOpenList={() => navigate({ view: 'list', entity: 'opportunity' })}
              onOpen={(id) => navigate({ view: 'detail', entity: 'opportunity', id })}
              onMove={move}
              onDragState={setDragging}
              onDropTarget={setDropTarget}
            />
          ))}
        </div>
      </>
    );
  }

  return (
    <section className="page pipeline-page" data-testid="pipeline-page">
      <header className="page-header">
        <div className="page-title">
          <h1>{t('pipeline.title')}</h1>
          {total !== null && (
            <span className="page-count" data-testid="pipeline-count">
              {t(filtered ? 'pipeline.countFiltered' : 'pipeline.count', { count: total.toLocaleString(t.locale) })}
            </span>
          )}
          {!query.fresh && query.state.status === 'ready' && <span className="spinner spinner-small" aria-label={t('common.loading')} />}
        </div>
        <div className="toolbar pipeline-toolbar">
          <OwnerSelect />
          <CloseMonthInput />
          {filtered && (
            <button type="button" className="btn btn-ghost" onClick={clearFilters} data-testid="pipeline-clear-filters">
              <Icon name="filterOff" />
              {t('pipeline.clearFilters')}
            </button>
          )}
          {canCreate && (
            <button type="button" className="btn btn-primary" onClick={create} data-testid="pipeline-create">
              <Icon name="plus" />
              {t('pipeline.new')}
            </button>
          )}
        </div>
      </header>
      {board && board.stages.length > 0 && total !== 0 && <p className="pipeline-hint">{t('pipeline.dragHint')}</p>}
      {body}
      {askLost && (
        <LostReasonDialog
          dealName={askLost.card.name}
          stageLabel={stageName(askLost.stage, t.locale)}
          onCancel={() => setAskLost(null)}
          onConfirm={async (reason) => {
            await write(askLost.card, askLost.stage, reason);
            setAskLost(null);
          }}
        />
      )}
    </section>
  );
}

interface ColumnProps {
  t: Translator;
  stage: BoardStage;
  stages: readonly BoardStage[];
  asOf: number;
  dragging: { id: string; from: string } | null;
  isDropTarget: boolean;
  canShowMore: boolean;
  onShowMore(): void;
  onOpenList(): void;
  onOpen(id: string): void;
  onMove(cardId: string, toStageId: string): void;
  onDragState(drag: { id: string; from: string } | null): void;
  onDropTarget(stageId: string | null): void;
}

/** One stage: header with name, count and money; its cards; a drop zone for cards of other stages. */
function Column({ t, stage, stages, asOf, dragging, isDropTarget, canShowMore, onShowMore, onOpenList, onOpen, onMove, onDragState, onDropTarget }: ColumnProps) {
  const name = stageName(stage, t.locale);
  const amounts = amountLines(stage.totals, t.locale);
  const weighted = amountLines(stage.totals, t.locale, 'weighted');
  // Only a card from another column can land here (dropping on its own column changes nothing).
  const accepts = dragging !== null && dragging.from !== stage.id;

  const onDragOver = (e: DragEvent) => {
    if (!accepts) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    if (!isDropTarget) onDropTarget(stage.id);
  };
  const onDragLeave = (e: DragEvent) => {
    if (isDropTarget && !e.currentTarget.contains(e.relatedTarget as Node | null)) onDropTarget(null);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const id = e.dataTransfer.getData(CARD_MIME) || dragging?.id;
    onDropTarget(null);
    onDragState(null);
    if (id && accepts) onMove(id, stage.id);
  };

  return (
    <section
      className={`pipeline-column pipeline-kind-${stage.kind}${isDropTarget ? ' is-drop-target' : ''}${accepts ? ' accepts-drop' : ''}`}
      aria-label={name}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      data-testid="pipeline-column"
      data-stage-id={stage.id}
      data-stage-code={stage.code ?? ''}
    >
      <header className="pipeline-column-header">
        <div className="pipeline-column-title">
          <h2 title={name}>{name}</h2>
          <span className="count-pill" data-testid="column-count">
            {stage.count}
          </span>
          {stage.kind === 'open' && stage.probability !== null && <span className="pipeline-column-probability">{stage.probability}%</span>}
        </div>
        <div className="pipeline-column-total" data-testid="column-total">
          {amounts.length === 0 ? <span className="value-empty">—</span> : amounts.map((line) => <div key={line}>{line}</div>)}
        </div>
        {stage.kind === 'open' && weighted.length > 0 && (
          <div className="pipeline-column-weighted" data-testid="column-weighted">
            {weighted.map((line) => (
              <div key={line}>{t('pipeline.weighted', { amount: line })}</div>
            ))}
          </div>
        )}
      </header>
      <div className="pipeline-column-body">
        {stage.cards.map((card) => (
          <Card key={card.id} t={t} card={card} stage={stage} stages={stages} asOf={asOf} isDragging={dragging?.id === card.id} onOpen={onOpen} onMove={onMove} onDragState={onDragState} onDropTarget={onDropTarget} />
        ))}
        {stage.cards.length === 0 && <div className="pipeline-drop-hint">{t('pipeline.dropHere')}</div>}
        {stage.more &&
          (canShowMore ? (
            <button type="button" className="btn btn-small pipeline-more" onClick={onShowMore} data-testid="column-more">
              {t('pipeline.showMore')}
            </button>
          ) : (
            <p className="pipeline-more-note">
              {t('pipeline.moreInList', { count: stage.count - stage.cards.length })}{' '}
              <button type="button" className="link" onClick={onOpenList}>
                {t('pipeline.openList')}
              </button>
            </p>
          ))}
      </div>
    </section>
  );
}

interface CardProps {
  t: Translator;
  card: PipelineCard;
  stage: BoardStage;
  stages: readonly BoardStage[];
  asOf: number;
  isDragging: boolean;
  onOpen(id: string): void;
  onMove(cardId: string, toStageId: string): void;
  onDragState(drag: { id: string; from: string } | null): void;
  onDropTarget(stageId: string | null): void;
}

/** A deal: name, account, amount, close date, owner and days in stage (flagged past the stage's limit). */
function Card({ t, card, stage, stages, asOf, isDragging, onOpen, onMove, onDragState, onDropTarget }: CardProps) {
  const age = stage.kind === 'open' ? stageAge(card.stageChangedAt, asOf, stage.limitDays) : null;
  const others = stages.filter((s) => s.id !== stage.id);
  return (
    <article
      className={`pipeline-card${age?.over ? ' is-overdue' : ''}${isDragging ? ' is-dragging' : ''}`}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(CARD_MIME, card.id);
        e.dataTransfer.setData('text/plain', card.name);
        e.dataTransfer.effectAllowed = 'move';
        onDragState({ id: card.id, from: stage.id });
      }}
      onDragEnd={() => {
        onDragState(null);
        onDropTarget(null);
      }}
      onClick={() => onOpen(card.id)}
      data-testid="pipeline-card"
      data-card-id={card.id}
    >
      <button
        type="button"
        className="pipeline-card-name"
        title={card.name}
        onClick={(e) => {
          e.stopPropagation();
          onOpen(card.id);
        }}
        data-testid="pipeline-card-name"
      >
        {card.name}
      </button>
      {card.accountName && (
        <div className="pipeline-card-account" title={card.accountName}>
          {card.accountName}
        </div>
      )}
      <div className="pipeline-card-facts">
        <span className={card.amount === null ? 'pipeline-card-amount value-empty' : 'pipeline-card-amount'}>
          {card.amount === null ? t('pipeline.noAmount') : formatMoney(card.amount, card.currency, t.locale)}
        </span>
        <span className="pipeline-card-date" title={t.field('opportunity', 'expectedCloseDate')}>
          {card.expectedCloseDate ? formatDate(card.expectedCloseDate, t.locale) : t('pipeline.noCloseDate')}
        </span>
      </div>
      {stage.kind === 'lost' && card.lostReason && (
        <div className="pipeline-card-reason" title={card.lostReason}>
          {card.lostReason}
        </div>
      )}
      <div className="pipeline-card-foot">
        <span className="pipeline-card-owner">
          <UserName id={card.ownerId} />
        </span>
        {age && (
          <span
            className={`pipeline-age${age.over ? ' is-over' : ''}`}
            title={age.over && stage.limitDays !== null ? t('pipeline.overLimit.title', { days: age.days, limit: stage.limitDays }) : undefined}
            data-testid={age.over ? 'card-overdue' : 'card-age'}
          >
            {age.over ? (age.daysOver > 0 ? t('pipeline.daysOver', { days: age.daysOver }) : t('pipeline.overLimit')) : t('pipeline.daysInStage', { days: age.days })}
          </span>
        )}
        <select
          className="pipeline-move"
          value=""
          aria-label={t('pipeline.moveTo.label', { name: card.name })}
          title={t('pipeline.moveTo')}
          onClick={(e) => e.stopPropagation()}
          onChange={(e) => e.target.value && onMove(card.id, e.target.value)}
          data-testid="pipeline-move"
        >
          <option value="">{t('pipeline.moveTo.short')}</option>
          {others.map((s) => (
            <option key={s.id} value={s.id}>
              {stageName(s, t.locale)}
            </option>
          ))}
        </select>
      </div>
    </article>
  );
}
