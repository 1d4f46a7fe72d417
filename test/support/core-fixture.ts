import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreService } from '../../src-main/core/core.service';
import { dispatch } from '../../src-main/core/dispatch';
import type { Method, MethodInput, MethodOutput } from '../../src-shared/api/client-api.contract';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/client', import.meta.url));

export function tempDir(prefix = 'crm-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestCore {
  core: CoreService;
  dir: string;
  /** Calls through dispatch, as every transport does, and unwraps the Result. */
  call<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  close(): void;
}

/** Calls a core through dispatch, as every transport does, and unwraps the Result. */
export function callThrough(core: CoreService): TestCore['call'] {
  return async (method, input) => {
    const reply = await dispatch(core.handlers, method, input);
    if (!reply.ok) throw Object.assign(new Error(`${reply.error.code}: ${reply.error.message}`), { info: reply.error });
    return reply.value as never;
  };
}

export function openTestCore(options: { dir?: string; seedDemo?: boolean } = {}): TestCore {
  const dir = options.dir ?? tempDir();
  const core = new CoreService({ dataDir: dir, migrationsDir: MIGRATIONS_DIR, seedDemo: options.seedDemo ?? false, osLocale: 'zh-CN', appVersion: '0.0.0-test' });
  return {
    core,
    dir,
    call: callThrough(core),
    close() {
      core.close();
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
