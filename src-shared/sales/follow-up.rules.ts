/**
 * Follow-up discipline (DOMAIN.md): logging an activity moves its account's (or lead's) last
 * follow-up, and its next follow-up to the one the activity plans. The server applies this to the
 * stored parent when the activity reaches it; the client applies it to its replica at once, so the
 * account page is right offline (the server's change later brings the same values).
 */

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The parent's new follow-up values after `activity` was logged or edited, or {} when it changes
 * nothing. Only the latest activity moves them: an older one logged late (a visit typed up days
 * after) leaves a newer follow-up alone. When the latest plans no next step, a next follow-up that
 * was due by then counts as done and is cleared; a later one stays.
 */
export function followUpValues(parent: Record<string, unknown>, activity: Record<string, unknown>): Record<string, number | null> {
  const at = num(activity.occurredAt);
  if (at === null) return {};
  const last = num(parent.lastFollowUpAt);
  if (last !== null && at < last) return {};
  const out: Record<string, number | null> = {};
  if (last !== at) out.lastFollowUpAt = at;
  const planned = num(activity.nextFollowUpAt);
  const current = num(parent.nextFollowUpAt);
  if (planned !== null) {
    if (planned !== current) out.nextFollowUpAt = planned;
  } else if (current !== null && current <= at) {
    out.nextFollowUpAt = null;
  }
  return out;
}
