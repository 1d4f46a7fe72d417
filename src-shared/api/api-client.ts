import { CrmError, type ErrorInfo } from '../result';
import { methods, type ApiClient, type Method, type Transport } from './client-api.contract';

/** An expected failure reported by the core, rebuilt as an Error on the calling side. */
export class ApiError extends CrmError {
  constructor(info: ErrorInfo) {
    super(info.code, info.message, info.issues);
    this.name = 'ApiError';
  }
}

/** Builds the typed client from any transport (preload bridge, WebSocket, worker). */
export function createApiClient(transport: Transport): ApiClient {
  const client: Partial<Record<Method, (input: unknown) => Promise<unknown>>> = {};
  for (const method of methods) {
    client[method] = async (input: unknown) => {
      const reply = await transport.invoke(method, input);
      if (!reply.ok) throw new ApiError(reply.error);
      return reply.value;
    };
  }
  return client as ApiClient;
}
