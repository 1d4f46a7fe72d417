import type { Method, MethodInput, MethodOutput, RecordData } from '../../src-shared/api/client-api.contract';
import type { EntityName } from '../../src-shared/entities/index';
import { CrmError } from '../../src-shared/result';
import type { CoreService } from '../core/core.service';
import { dispatch } from '../core/dispatch';
import type { Command } from './args';
import { failureFromCore } from './errors';
import { conflictText, listText, recordText, statusText } from './format';

/** record.list's largest page. */
const PAGE = 1000;

/**
 * Calls the core the way every other shell does, through dispatch, so the command line gets the
 * app's input validation and error codes; a refusal becomes the CLI's message and exit code.
 */
async function call<M extends Method>(core: CoreService, method: M, input: MethodInput<M>, entity: EntityName | null = null): Promise<MethodOutput<M>> {
  const reply = await dispatch(core.handlers, method, input);
  if (!reply.ok) throw failureFromCore(reply.error, entity);
  return reply.value as MethodOutput<M>;
}

/** Compact: one document per command, for jq and scripts. */
const json = (value: unknown) => JSON.stringify(value);

/** Runs one command against an open core; resolves with what goes to stdout (may be empty). */
export async function runCommand(core: CoreService, command: Command): Promise<string> {
  switch (command.kind) {
    case 'help':
      return '';
    case 'login': {
      // The handler's start() does nothing on an engine that is not live: nothing syncs until `crm sync`.
      const { user } = await call(core, 'sync.login', { server: command.server, username: command.username, password: command.password });
      return command.json ? json({ user }) : `signed in as ${user.name} (${user.username}, ${user.role}) on ${command.server}; run crm sync to fetch the data`;
    }
    case 'sync': {
      if (!core.sync.credentials()) throw failureFromCore({ code: 'NOT_SIGNED_IN', message: 'not signed in' });
      const before = core.sync.status().pending;
      try {
        // Straight to the engine: the sync.now handler reports a failed cycle only inside the
        // status it returns, and the command line must fail with the reason. With live: false the
        // engine's cycle throws the failure as a CrmError.
        await core.sync.syncNow();
      } catch (error) {
        if (error instanceof CrmError) throw failureFromCore(error.toInfo());
        throw error;
      }
      const status = await call(core, 'sync.status', {});
      if (command.json) return json(status);
      const sent = Math.max(0, before - status.pending);
      const inbox = status.conflicts > 0 ? `; ${status.conflicts} open in the conflict inbox (crm conflicts)` : '';
      return `synced with ${status.server ?? 'the server'}: ${sent} changes sent, ${status.pending} waiting${inbox}`;
    }
    case 'status': {
      const status = await call(core, 'sync.status', {});
      if (command.json) return json(status);
      const info = await call(core, 'app.info', {});
      return statusText(status, info.session);
    }
    case 'create': {
      const record = await call(core, 'record.create', { entity: command.entity, values: command.values }, command.entity);
      return command.json ? json({ id: record.id }) : record.id;
    }
    case 'update': {
      const record = await call(core, 'record.update', { entity: command.entity, id: command.id, values: command.values }, command.entity);
      return command.json ? json(record) : `updated ${command.entity} ${record.id}`;
    }
    case 'delete': {
      const { deleted } = await call(core, 'record.delete', { entity: command.entity, id: command.id }, command.entity);
      if (command.json) return json({ deleted });
      return `deleted ${command.entity} ${command.id}${deleted > 1 ? ` and ${deleted - 1} records under it` : ''}`;
    }
    case 'get': {
      const record = await call(core, 'record.get', { entity: command.entity, id: command.id }, command.entity);
      return command.json ? json(record) : recordText(command.entity, record);
    }
    case 'list': {
      const rows: RecordData[] = [];
      // The default order (last changed first) walks an index; this process writes nothing
      // between the pages, so offset pages neither skip nor repeat rows.
      for (let offset = 0; ; offset += PAGE) {
        const page = await call(core, 'record.list', { entity: command.entity, offset, limit: PAGE, withTotal: false }, command.entity);
        rows.push(...page.rows);
        if (page.rows.length < PAGE) break;
      }
      return command.json ? json(rows) : listText(command.entity, rows);
    }
    case 'conflicts': {
      const { entries } = await call(core, 'conflict.list', {});
      return command.json ? json(entries) : conflictText(entries);
    }
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}
