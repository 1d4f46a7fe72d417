import { isMethod, type Method } from '../../src-shared/api/client-api.contract';
import { MAX_WIRE_REQUEST_BYTES, wireRequest, type WireReply } from '../../src-shared/api/wire-protocol';
import { fail, type Result } from '../../src-shared/result';

/**
 * Checks on calls arriving from a renderer, shared by the browser host (WebSocket frames) and the
 * Electron shell (IPC). A renderer is less trusted than the core: whatever it sends is checked
 * here before it is forwarded, and no message can make the host throw.
 */

export type Invoke = (method: Method, input: unknown) => Promise<Result<unknown>>;

/** The refusal for a method name that is not part of the client API, or null when it is. */
export function refuseMethod(method: unknown): Result<never> | null {
  if (typeof method !== 'string') return fail('BAD_REQUEST', 'method must be a string');
  if (!isMethod(method)) return fail('UNKNOWN_METHOD', `unknown method ${method.slice(0, 64)}`);
  return null;
}

/** Forwards a checked call; a transport that throws (a bug) still answers with a Result. */
export async function invokeChecked(invoke: Invoke, method: unknown, input: unknown): Promise<Result<unknown>> {
  const refused = refuseMethod(method);
  if (refused) return refused;
  try {
    return await invoke(method as Method, input);
  } catch (error) {
    return fail('INTERNAL', `call failed: ${(error as Error)?.message ?? String(error)}`);
  }
}

/**
 * Reads the request id from the start of a frame that cannot be parsed as a whole (truncated,
 * oversized). Our clients serialise `{ id, method, input }` in that order, so the id leads.
 */
export function leadingId(text: string): number | null {
  const match = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(text.slice(0, 64));
  return match ? Number(match[1]) : null;
}

/** What answering one frame produced: a reply to send, or a frame with no readable id. */
export type WireOutcome = { reply: WireReply } | { unanswerable: string };

/**
 * Answers one WebSocket frame: size limit, JSON, the wire schema, the method name, then the core.
 * `byteLength` is the frame's size on the wire, which the limit is about.
 */
export async function answerWireFrame(text: string, byteLength: number, invoke: Invoke): Promise<WireOutcome> {
  const refuse = (id: number | null, result: Result<never>): WireOutcome =>
    id === null ? { unanswerable: result.ok ? '' : result.error.message } : { reply: { id, reply: result } };

  if (byteLength > MAX_WIRE_REQUEST_BYTES) {
    return refuse(leadingId(text), fail('BAD_REQUEST', `request of ${byteLength} bytes exceeds the limit of ${MAX_WIRE_REQUEST_BYTES}`));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refuse(leadingId(text), fail('BAD_REQUEST', 'request is not valid JSON'));
  }
  const parsed = wireRequest.safeParse(json);
  if (!parsed.success) {
    const raw = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined;
    const id = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : null;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
    return refuse(id, fail('BAD_REQUEST', `malformed request: ${issues}`));
  }
  const { id, method, input } = parsed.data;
  return { reply: { id, reply: await invokeChecked(invoke, method, input) } };
}
