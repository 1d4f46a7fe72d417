import { clientApi, isMethod, type ApiHandlers, type Method } from '../../src-shared/api/client-api.contract';
import { CrmError, fail, ok, type Result } from '../../src-shared/result';
import { logCore } from './log';

/**
 * The core's single entry: checks the method name and validates the input against the contract
 * before a handler sees it, and turns what a handler throws into a Result. Expected failures
 * (CrmError) keep their code; anything else is a bug, logged in full and reported as INTERNAL.
 */
export async function dispatch(handlers: ApiHandlers, method: unknown, input: unknown): Promise<Result<unknown>> {
  if (!isMethod(method)) return fail('UNKNOWN_METHOD', `unknown method ${String(method).slice(0, 64)}`);
  const parsed = clientApi[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    return fail('BAD_REQUEST', `invalid input for ${method}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  try {
    const handler = handlers[method] as (input: unknown) => unknown;
    return ok(await handler(parsed.data));
  } catch (error) {
    if (error instanceof CrmError) return { ok: false, error: error.toInfo() };
    logCore('error', 'handler failed', { method: method satisfies Method, error: String((error as Error)?.stack ?? error) });
    return fail('INTERNAL', (error as Error)?.message ?? 'internal error');
  }
}
