import { create } from 'zustand';
import type { OwnerChoice } from './pipeline-view';

/**
 * The filters of the kanban and the funnel, shared: switching between the two views keeps whose
 * deals and which period are shown. Kept for the session (not saved): a new start shows everything.
 */
interface PipelineFilters {
  owner: OwnerChoice;
  /** Kanban: expected close month 'YYYY-MM', or null for any. */
  closeMonth: string | null;
  /** Funnel: expected close period, inclusive 'YYYY-MM-DD' days, each optional. */
  closeFrom: string | null;
  closeTo: string | null;
  setOwner(owner: OwnerChoice): void;
  setCloseMonth(month: string | null): void;
  setPeriod(from: string | null, to: string | null): void;
}

export const usePipelineFilters = create<PipelineFilters>()((set) => ({
  owner: { kind: 'all' },
  closeMonth: null,
  closeFrom: null,
  closeTo: null,
  setOwner: (owner) => set({ owner }),
  setCloseMonth: (closeMonth) => set({ closeMonth }),
  setPeriod: (closeFrom, closeTo) => set({ closeFrom, closeTo }),
}));
