import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pushResultMessage, type MutationResult } from '../../src-shared/sync/protocol.contract';
import type { StoreKind } from '../support/sync-fixture';
import { jsonHeaders, login, request, type Device } from '../support/server-client';
import { killServes, newStoreTarget, openRawDb, seedUser, startServe, type StoreTarget } from '../support/server-process';
import { DEFAULT_STAGES } from '../../src-server/sales/default-stages';

/**
 * `crm-server serve` stopped with SIGTERM in the middle of a 500-mutation push: it exits 0 and
 * leaves all of the push or none of it, never part, with the stored answers agreeing.
 */

const stores: StoreKind[] = ['sqlite', 'pg'];
const SERVE_TIMEOUT = 90_000;
const BATCH = 500;

function batch(first: number, tag: string): { type: 'push'; id: number; mutations: Record<string, unknown>[] } {
  return {
    type: 'push',
    id: first,
    mutations: Array.from({ length: BATCH }, (_, i) => ({
      seq: first + i,
      entity: 'account',
      recordId: `01a00000-0000-7000-8000-${tag}${String(i).padStart(12 - tag.length, '0')}`,
      op: 'create',
      changes: { name: `批量客户 ${tag} ${i}`, city: '杭州' },
      base: {},
    })),
  };
}

/** A push whose body is sent in two parts; `between` runs after the first part is on the wire. */
function pushInTwoParts(base: string, token: string, body: string, between: () => Promise<void>): Promise<{ status: number; text: string }> {
  const bytes = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/v1/push`, { method: 'POST', headers: { ...jsonHeaders(token), 'content-length': String(bytes.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write(bytes.subarray(0, bytes.length >> 1));
    between().then(() => req.end(bytes.subarray(bytes.length >> 1)), reject);
  });
}

/** A push sent whole; `sent` runs once the body has left this process. Network failures resolve as status 0. */
function pushThen(base: string, token: string, body: string, sent: () => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = http.request(`${base}/v1/push`, { method: 'POST', headers: jsonHeaders(token) }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', (e) => resolve({ status: 0, text: String(e) }));
    });
    req.on('error', (e) => resolve({ status: 0, text: String(e) }));
    req.on('finish', sent);
    req.end(body);
  });
}

/** What the database holds of one batch: its records, their log entries and stored answers. */
async function batchState(target: StoreTarget, deviceId: string, firstSeq: number, tag: string): Promise<{ records: number; changes: number; results: number; head: number }> {
  const db = await openRawDb(target);
  try {
    const like = `01a00000-0000-7000-8000-${tag}%`;
    const [records] = await db.all<{ n: number }>('SELECT count(*) AS n FROM records WHERE id LIKE ?', [like]);
    const [changes] = await db.all<{ n: number }>('SELECT count(*) AS n FROM changes WHERE record_id LIKE ?', [like]);
    const [results] = await db.all<{ n: number }>('SELECT count(*) AS n FROM mutation_results WHERE device_id = ? AND seq >= ? AND seq < ?', [deviceId, firstSeq, firstSeq + BATCH]);
    const [head] = await db.all<{ value: number }>("SELECT value FROM counters WHERE name = 'cn'");
    // The head counts from the server's built-in pipeline stages, made at its first start.
    return { records: Number(records!.n), changes: Number(changes!.n), results: Number(results!.n), head: Number(head!.value) - DEFAULT_STAGES.length };
  } finally {
    await db.close();
  }
}

for (const kind of stores) {
  describe(`crm-server serve stopped mid-push (${kind})`, () => {
    let target: StoreTarget;
    let rep: Device;
    let firstAnswer: MutationResult[];

    beforeAll(async () => {
      target = newStoreTarget(kind);
      await seedUser(target, { username: 'wang.rep', password: 'rep-password-1', role: 'sales_rep', name: '王芳' });
    });
    afterEach(async () => {
      await killServes();
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    it(
      'SIGTERM while a 500-mutation push is still arriving: the push completes, the exit is 0, and all 500 are there after a restart',
      async () => {
        const { proc, url } = await startServe(target.args);
        rep = await login(url, 'wang.rep', 'rep-password-1', 'laptop');
        const body = JSON.stringify(batch(1, 'a'));
        const answer = await pushInTwoParts(url, rep.token, body, async () => {
          await proc.waitForLog((l) => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === '/v1/push', 'the push arriving');
          proc.signal('SIGTERM');
          await proc.waitForLog((l) => l.msg.startsWith('shutting down'), 'the shutdown starting');
        });
        expect(answer.status, answer.text.slice(0, 300)).toBe(200);
        firstAnswer = pushResultMessage.parse(JSON.parse(answer.text)).results;
        expect(firstAnswer.map((r) => r.status)).toEqual(Array(BATCH).fill('applied'));
        expect(await proc.exited).toEqual({ code: 0, signal: null });
        // The push really was in flight: it finished after the shutdown began.
        const pushId = proc.logs.find((l) => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === '/v1/push')?.reqId;
        const shutdownAt = proc.logs.findIndex((l) => l.msg.startsWith('shutting down'));
        const completedAt = proc.logs.findIndex((l) => l.msg === 'request completed' && l.reqId === pushId);
        expect(shutdownAt).toBeGreaterThan(0);
        expect(completedAt).toBeGreaterThan(shutdownAt);
        expect(proc.logs[completedAt]).toMatchObject({ res: { statusCode: 200 } });

        const restarted = await startServe(target.args);
        expect(await batchState(target, rep.deviceId, 1, 'a')).toEqual({ records: BATCH, changes: BATCH, results: BATCH, head: BATCH });
        // The client's retry after a cut connection gets the stored answers and changes nothing.
        const retry = await request(`${restarted.url}/v1/push`, { method: 'POST', headers: jsonHeaders(rep.token), body });
        expect(pushResultMessage.parse(JSON.parse(retry.text)).results).toEqual(firstAnswer);
        expect(await batchState(target, rep.deviceId, 1, 'a')).toEqual({ records: BATCH, changes: BATCH, results: BATCH, head: BATCH });
        restarted.proc.signal('SIGTERM');
        expect(await restarted.proc.exited).toEqual({ code: 0, signal: null });
      },
      SERVE_TIMEOUT,
    );

    it(
      'SIGTERM right after a push is sent: all or none of it after a restart, answers and log agreeing; the retry completes it once',
      async () => {
        const { proc, url } = await startServe(target.args);
        const body = JSON.stringify(batch(BATCH + 1, 'b'));
        const answer = await pushThen(url, rep.token, body, () => proc.signal('SIGTERM'));
        expect(await proc.exited).toEqual({ code: 0, signal: null });

        const restarted = await startServe(target.args);
        const state = await batchState(target, rep.deviceId, BATCH + 1, 'b');
        // Either the whole batch or nothing, never part of it, and the log and answers agree.
        expect([0, BATCH]).toContain(state.records);
        expect(state).toEqual({ records: state.records, changes: state.records, results: state.records, head: BATCH + state.records });
        if (answer.status === 200) expect(state.records).toBe(BATCH);
        else expect([0, 503]).toContain(answer.status);

        const retry = await request(`${restarted.url}/v1/push`, { method: 'POST', headers: jsonHeaders(rep.token), body });
        expect(retry.status).toBe(200);
        const results = pushResultMessage.parse(JSON.parse(retry.text)).results;
        expect(results.map((r) => r.status)).toEqual(Array(BATCH).fill('applied'));
        if (answer.status === 200) expect(results).toEqual(pushResultMessage.parse(JSON.parse(answer.text)).results);
        expect(await batchState(target, rep.deviceId, BATCH + 1, 'b')).toEqual({ records: BATCH, changes: BATCH, results: BATCH, head: 2 * BATCH });
        restarted.proc.signal('SIGTERM');
        expect(await restarted.proc.exited).toEqual({ code: 0, signal: null });
      },
      SERVE_TIMEOUT,
    );

  });
}
