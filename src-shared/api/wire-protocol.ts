import { z } from 'zod';
import type { CoreEvent } from './client-api.contract';
import type { Result } from '../result';

/**
 * The browser host's WebSocket (path /api) and the Electron preload carry the same messages:
 *   renderer → core:  { id, method, input }
 *   core → renderer:  { id, reply }            (reply is a Result)
 *   core → renderer:  { event }                (pushed: data changed, sync status)
 */
export const wireRequest = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(64),
  input: z.unknown(),
});
export type WireRequest = z.infer<typeof wireRequest>;

export type WireReply = { id: number; reply: Result<unknown> };
export type WireEvent = { event: CoreEvent };
export type WireMessage = WireReply | WireEvent;

/** Largest request the host accepts from a renderer; lists and forms are far below this. */
export const MAX_WIRE_REQUEST_BYTES = 1_000_000;

export { BRIDGE_GLOBAL, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from './bridge';
