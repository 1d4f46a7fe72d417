import fc from 'fast-check';
import { CLIENT_SCHEMA_VERSION, MAX_MESSAGE_BYTES, PROTOCOL_VERSION } from '../../src-shared/sync/protocol.contract';

/**
 * Requests for the server fuzz (server-fuzz.test.ts): valid push, pull, login and snapshot
 * requests, then mutated (fields dropped, values swapped for wrong types, huge strings, deep
 * nesting, odd unicode, extreme numbers, unknown entities and ops, repeated seqs), plus bodies
 * that are random from the start.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Who a request claims to be; the fuzz test maps these to tokens. */
export type Credential = 'rep' | 'boss' | 'revoked' | 'disabled' | 'garbage' | 'none';

export interface FuzzRequest {
  route: 'push' | 'pull' | 'login' | 'snapshot' | 'other';
  method: string;
  /** Path and query string. */
  url: string;
  credential: Credential;
  headers: Record<string, string>;
  /** The body as sent; undefined for none. */
  body: string | undefined;
}

/** Socket messages: the same bodies as text frames, or a hello naming a credential. */
export interface FuzzMessage {
  text: string;
  /** Set for a hello, so the test knows whose session it asks for. */
  hello?: Credential;
}

export interface FuzzWorld {
  /** Records that exist (or existed) on the server, by entity. */
  accounts: string[];
  contacts: string[];
}

const entities = ['account', 'contact'] as const;
const ops = ['create', 'update', 'delete', 'restore'] as const;

function deep(depth: number, leaf: Json): Json {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { d: v };
  return v;
}

const oddStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '\u202eevil',
  '\ufeff',
  '👩‍👩‍👧‍👦',
  '华为技术有限公司',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e3',
  '0x10',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  "'; DROP TABLE records; --",
  '" OR 1=1 --',
  '%00',
  '%',
  '../../etc/passwd',
  '\r\nX-Injected: 1',
  '<script>alert(1)</script>',
  '${7*7}',
  '?',
  '$1',
];

const oddNumbers = [0, -0, -1, 1.5, -2.5, 1e-300, 1e308, -1e308, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, 1e21];

/** A value that is probably wrong wherever it lands. */
export const nasty: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.constantFrom<Json>(...oddStrings), weight: 5 },
  { arbitrary: fc.constantFrom<Json>(...oddNumbers, null, true, false, [], {}, [null], { a: null }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.array(fc.constantFrom('\ud800', '\udc00', 'a', '中', '\u0000', '\u0007'), { maxLength: 12 }).map((cs) => cs.join('')), weight: 1 },
  { arbitrary: fc.integer({ min: 10_001, max: 300_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  // Deeper nesting comes as raw text (rawBody): this side's own JSON and path walks recurse.
  { arbitrary: fc.integer({ min: 2, max: 1500 }).map((n) => deep(n, 'leaf')), weight: 1 },
  { arbitrary: fc.double().map((d) => (Number.isFinite(d) ? d : null)), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.array(fc.string({ maxLength: 8 }), { maxLength: 70 }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, weight: 2 },
);

type Edit =
  | { kind: 'drop'; at: number }
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'add'; at: number; key: string; value: Json }
  | { kind: 'stringify'; at: number }
  | { kind: 'duplicate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  { arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: nasty }), weight: 3 },
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('type', 'id', 'seq', 'ownerId', 'customerNo', 'createdAt', 'version', 'extra'), fc.string({ maxLength: 70 })), value: nasty }),
  fc.record({ kind: fc.constant('stringify' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
);

type Slot = { parent: Json[] | { [key: string]: Json }; key: string | number };

function slots(value: Json, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push({ parent: value, key: i });
      slots(v, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push({ parent: value, key: k });
      slots(v, out);
    }
  }
  return out;
}

function containers(value: Json, out: (Json[] | { [key: string]: Json })[] = []): (Json[] | { [key: string]: Json })[] {
  if (Array.isArray(value)) {
    out.push(value);
    for (const v of value) containers(v, out);
  } else if (value !== null && typeof value === 'object') {
    out.push(value);
    for (const v of Object.values(value)) containers(v, out);
  }
  return out;
}

function get(slot: Slot): Json {
  return Array.isArray(slot.parent) ? (slot.parent[slot.key as number] as Json) : (slot.parent[slot.key as string] as Json);
}

function put(slot: Slot, value: Json): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else slot.parent[slot.key as string] = value;
}

/** Applies the edits to a copy of `value` (paths picked by index modulo the slots there are). */
export function applyEdits(value: Json, edits: Edit[]): Json {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  for (const e of edits) {
    if (e.kind === 'add') {
      const all = containers(copy);
      if (all.length === 0) continue;
      const target = all[e.at % all.length]!;
      if (Array.isArray(target)) target.push(e.value);
      else Object.defineProperty(target, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const all = slots(copy);
    if (all.length === 0) continue;
    const slot = all[e.at % all.length]!;
    if (e.kind === 'drop') {
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
    } else if (e.kind === 'set') {
      put(slot, e.value);
    } else if (e.kind === 'stringify') {
      put(slot, JSON.stringify(get(slot)));
    } else {
      // A repeated element: for a push, the same mutation (same seq) twice in one batch.
      const v = get(slot);
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 0, JSON.parse(JSON.stringify(v)) as Json);
      else put(slot, [v, v]);
    }
  }
  return copy;
}

/** Small seqs, so that repeats of earlier seqs (answered from storage) are frequent. */
const seq = fc.integer({ min: 1, max: 80 });

function mutationArb(world: FuzzWorld): fc.Arbitrary<Json> {
  // Ids that exist, new ones, and odd ones (PostgreSQL refuses a NUL in text; SQLite does not).
  const anyId = (pool: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 4 }, { arbitrary: fc.uuid(), weight: 2 }, fc.constantFrom('x', 'a'.repeat(64), 'id\u0000', '客户', '\ud800'));
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
  return fc.oneof(
    fc.record({ seq, entity: fc.constant('account'), recordId: fc.uuid(), op: fc.constant('create'), changes: fc.record({ name: text }, { requiredKeys: [] }), base: fc.constant({}) }),
    fc.record({
      seq,
      entity: fc.constant('contact'),
      recordId: fc.uuid(),
      op: fc.constant('create'),
      changes: fc.record({ accountId: anyId(world.accounts), name: text, mobile: fc.constantFrom('13800138000', '12345', '') }),
      base: fc.constant({}),
    }),
    fc.record({
      seq,
      entity: fc.constantFrom(...entities),
      recordId: anyId([...world.accounts, ...world.contacts]),
      op: fc.constant('update'),
      changes: fc.dictionary(fc.constantFrom('name', 'level', 'city', 'phone', 'tags', 'status', 'ownerId', 'title', 'isPrimary'), fc.oneof(text, fc.constantFrom('A', 'B', null, true, ['vip'], 'password-1', 'u\u0000')), { maxKeys: 3 }),
      base: fc.dictionary(fc.constantFrom('name', 'level', 'city'), text, { maxKeys: 2 }),
      baseVersion: fc.nat({ max: 200 }),
    }),
    fc.record({ seq, entity: fc.constantFrom(...entities), recordId: anyId([...world.accounts, ...world.contacts]), op: fc.constantFrom(...ops), changes: fc.constant({}), base: fc.constant({}) }),
  ) as fc.Arbitrary<Json>;
}

function pushBody(world: FuzzWorld): fc.Arbitrary<Json> {
  return fc.record({ type: fc.constant('push'), id: fc.nat(), mutations: fc.array(mutationArb(world), { minLength: 1, maxLength: 4 }) }) as fc.Arbitrary<Json>;
}

const pullBody: fc.Arbitrary<Json> = fc.record({ type: fc.constant('pull'), id: fc.nat(), cursor: fc.nat({ max: 300 }), limit: fc.integer({ min: 1, max: 5000 }) }, { requiredKeys: ['type', 'id', 'cursor'] });

const loginBody: fc.Arbitrary<Json> = fc.record({
  username: fc.constantFrom('rep', 'boss', 'old', 'nobody', 'REP', 'rep\u0000', ' rep'),
  password: fc.constantFrom('password-1', 'password-2', ''),
  deviceName: fc.oneof(fc.constant('fuzz laptop'), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('lap\u0000top', '\ud800')),
  protocol: fc.constant(PROTOCOL_VERSION),
  schema: fc.constantFrom(CLIENT_SCHEMA_VERSION, CLIENT_SCHEMA_VERSION - 1),
});

const snapshotQuery: fc.Arbitrary<Json> = fc.record(
  { entity: fc.constantFrom('account', 'contact'), after: fc.oneof(fc.constant(''), fc.uuid(), fc.constantFrom('\u0000', '中', '\ud800')), limit: fc.integer({ min: 1, max: 20_000 }) },
  { requiredKeys: ['entity'] },
);

/** A body: the valid one, the valid one edited, or (sometimes) something else entirely. */
function mutated(valid: fc.Arbitrary<Json>): fc.Arbitrary<Json | { raw: string }> {
  return fc.oneof(
    { arbitrary: valid, weight: 2 },
    { arbitrary: fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([v, edits]) => applyEdits(v, edits)), weight: 7 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>, weight: 1 },
    { arbitrary: rawBody, weight: 1 },
  );
}

/** Text that is mostly not JSON, or JSON over the size limit. */
const rawBody: fc.Arbitrary<{ raw: string }> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '{', '{"type":"push"', '[1,2', 'null', 'true', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', '{"a":1}{"b":2}'),
  fc.integer({ min: 1, max: 3 }).map((n) => JSON.stringify({ type: 'push', id: 1, pad: 'p'.repeat(MAX_MESSAGE_BYTES * n) })),
  fc.integer({ min: 100, max: 50_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 100, max: 50_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
).map((raw) => ({ raw }));

function serialize(body: Json | { raw: string }): string {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as { raw?: unknown }).raw === 'string' && Object.keys(body).length === 1
    ? (body as { raw: string }).raw
    : JSON.stringify(body);
}

/** Headers: usually right, sometimes with a wrong version or content type. */
const headerTweak: fc.Arbitrary<Record<string, string | undefined>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 12 },
  fc.constantFrom<Record<string, string | undefined>>(
    { 'x-crm-protocol': undefined },
    { 'x-crm-schema': undefined },
    { 'x-crm-protocol': '0' },
    { 'x-crm-protocol': '2' },
    { 'x-crm-protocol': '' },
    { 'x-crm-schema': '1' },
    { 'x-crm-schema': String(CLIENT_SCHEMA_VERSION + 1) },
    { 'x-crm-schema': '3abc' },
    { 'content-type': 'text/plain' },
    { 'content-type': 'application/xml' },
    { 'content-type': undefined },
    { 'content-type': 'application/json; charset=utf-16' },
  ),
);

const credential: fc.Arbitrary<Credential> = fc.oneof({ arbitrary: fc.constantFrom<Credential>('rep', 'boss'), weight: 10 }, fc.constantFrom<Credential>('revoked', 'disabled', 'garbage', 'none'));

function withHeaders(tweak: Record<string, string | undefined>): Record<string, string> {
  const base: Record<string, string | undefined> = { 'x-crm-protocol': String(PROTOCOL_VERSION), 'x-crm-schema': String(CLIENT_SCHEMA_VERSION), 'content-type': 'application/json', ...tweak };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

function queryString(q: Json | { raw: string }): string {
  if (typeof q === 'object' && q !== null && !Array.isArray(q) && typeof (q as { raw?: unknown }).raw === 'string') {
    return encodeURI((q as { raw: string }).raw.slice(0, 2000)).replace(/#/g, '%23');
  }
  if (typeof q !== 'object' || q === null || Array.isArray(q)) return `entity=${encodeURIComponent(JSON.stringify(q))}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (Array.isArray(v)) for (const item of v.slice(0, 50)) params.append(k, typeof item === 'string' ? item : JSON.stringify(item));
    else params.append(k, typeof v === 'string' ? v.slice(0, 5000) : JSON.stringify(v).slice(0, 5000));
  }
  return params.toString();
}

/** Paths that are not routes (logout is left out: it would end the fuzz's own session). */
const otherRoute: fc.Arbitrary<{ method: string; url: string }> = fc.oneof(
  fc.constantFrom(
    { method: 'GET', url: '/v1/push' },
    { method: 'PUT', url: '/v1/pull' },
    { method: 'DELETE', url: '/v1/snapshot' },
    { method: 'PATCH', url: '/v1/login' },
    { method: 'POST', url: '/v1/sync' },
    { method: 'GET', url: '/v1/sync' },
    { method: 'POST', url: '/v2/push' },
    { method: 'OPTIONS', url: '/v1/push' },
    { method: 'HEAD', url: '/health' },
    { method: 'GET', url: '/health?verbose=%ZZ' },
  ),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => ({ method: 'POST', url: `/${encodeURI(s).replace(/[?#]/g, '')}` })).filter((r) => !r.url.startsWith('/v1/logout')),
);

export function fuzzRequest(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const json = (route: FuzzRequest['route'], url: string, body: fc.Arbitrary<Json | { raw: string }>) =>
    fc.record({ body, credential, tweak: headerTweak }).map(({ body: b, credential: c, tweak }) => ({ route, method: 'POST', url, credential: c, headers: withHeaders(tweak), body: serialize(b) }));
  return fc.oneof(
    { arbitrary: json('push', '/v1/push', mutated(pushBody(world))), weight: 45 },
    { arbitrary: json('pull', '/v1/pull', mutated(pullBody)), weight: 15 },
    {
      arbitrary: fc.record({ body: mutated(loginBody), tweak: headerTweak }).map(({ body, tweak }) => ({ route: 'login' as const, method: 'POST', url: '/v1/login', credential: 'none' as const, headers: withHeaders(tweak), body: serialize(body) })),
      // Each login that gets as far as the password costs a deliberate ~50 ms of scrypt.
      weight: 3,
    },
    {
      arbitrary: fc.record({ q: mutated(snapshotQuery), credential, tweak: headerTweak }).map(({ q, credential: c, tweak }) => ({
        route: 'snapshot' as const,
        method: 'GET',
        url: `/v1/snapshot?${queryString(q)}`,
        credential: c,
        headers: withHeaders(tweak),
        body: undefined,
      })),
      weight: 20,
    },
    {
      arbitrary: fc.record({ r: otherRoute, body: fc.option(rawBody.map((b) => b.raw.slice(0, 5000))), credential, tweak: headerTweak }).map(({ r, body, credential: c, tweak }) => ({
        route: 'other' as const,
        method: r.method,
        url: r.url,
        credential: c,
        headers: withHeaders(tweak),
        body: body === null || r.method === 'GET' || r.method === 'HEAD' ? undefined : body,
      })),
      weight: 4,
    },
  );
}

/** Socket messages after (or instead of) a hello; none over the socket's hard limit. */
export function fuzzMessage(world: FuzzWorld): fc.Arbitrary<FuzzMessage> {
  const hello = fc
    .record({ who: credential, protocol: fc.constantFrom(PROTOCOL_VERSION, PROTOCOL_VERSION, PROTOCOL_VERSION + 1, 0), schema: fc.constantFrom(CLIENT_SCHEMA_VERSION, CLIENT_SCHEMA_VERSION, 1, 99), edits: fc.array(edit, { maxLength: 1 }) })
    .map(({ who, protocol, schema, edits }) => ({ who, body: applyEdits({ type: 'hello', protocol, schema, token: `<${who}>`, cursor: 0 }, edits) }));
  return fc.oneof(
    { arbitrary: mutated(pushBody(world)).map((b) => ({ text: serialize(b) })), weight: 5 },
    { arbitrary: mutated(pullBody).map((b) => ({ text: serialize(b) })), weight: 3 },
    { arbitrary: hello.map(({ who, body }) => ({ text: JSON.stringify(body), hello: who })), weight: 1 },
  );
}
