import type { MethodInput, RecordData, SearchHit } from '../../src-shared/api/client-api.contract';
import { entities, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { validateValues } from '../../src-shared/entities/record.schema';
import type { FieldIssue } from '../../src-shared/result';
import { inputValue } from './form-values';

/**
 * 线索转化 in the renderer: what the dialog starts with (from the lead), what it sends to
 * `lead.convert`, and where the core's issues (prefixed `account.` / `contact.` / `opportunity.`)
 * are shown. Pure, so they are tested without a page.
 */

export type ConvertPart = 'account' | 'contact' | 'opportunity';

/** The fields each part of the dialog shows, in order. */
export const convertFields = {
  account: ['name', 'phone', 'province', 'city'],
  contact: ['name', 'title', 'mobile', 'email', 'wechat'],
  opportunity: ['name', 'stageId', 'amount', 'expectedCloseDate'],
} as const satisfies Record<ConvertPart, readonly string[]>;

export interface ConvertState {
  accountMode: 'new' | 'existing';
  /** The new account's fields as typed. */
  account: Record<string, string>;
  /** The chosen existing account. */
  existingId: string;
  existingTitle: string;
  /** Set when the existing account was chosen because its name is the lead's company. */
  matchedByName: boolean;
  contact: Record<string, string>;
  withOpportunity: boolean;
  /** The opportunity's fields as typed (amount in 元). */
  opportunity: Record<string, string>;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The account a lead becomes is named after its company, or after the person when there is none. */
export function accountNameOf(lead: RecordData): string {
  return text(lead.company) || text(lead.name);
}

/** "<company> - <name>", or just the one that is there. */
export function opportunityNameOf(lead: RecordData): string {
  return [text(lead.company), text(lead.name)].filter((s) => s !== '').join(' - ');
}

/** The dialog's first state: everything it can fill from the lead. */
export function convertDefaults(lead: RecordData): ConvertState {
  return {
    accountMode: 'new',
    account: { name: accountNameOf(lead), phone: text(lead.phone), province: text(lead.province), city: text(lead.city) },
    existingId: '',
    existingTitle: '',
    matchedByName: false,
    contact: { name: text(lead.name), title: text(lead.title), mobile: text(lead.mobile), email: text(lead.email), wechat: text(lead.wechat) },
    withOpportunity: true,
    opportunity: { name: opportunityNameOf(lead), stageId: '', amount: '', expectedCloseDate: '' },
  };
}

/** The first open, active stage in pipeline order: where a new deal starts. */
export function firstOpenStage(stages: readonly RecordData[]): RecordData | undefined {
  const position = (s: RecordData) => (typeof s.position === 'number' ? s.position : Number.MAX_SAFE_INTEGER);
  return stages
    .filter((s) => s.kind === 'open' && s.active !== false)
    .slice()
    .sort((a, b) => position(a) - position(b))[0];
}

function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(a) !== '' && norm(a) === norm(b);
}

/** An existing account whose name is the lead's company (a search hit of entity account), if any. */
export function matchingAccount(hits: readonly SearchHit[], company: unknown): SearchHit | undefined {
  const name = text(company);
  if (name === '') return undefined;
  return hits.find((hit) => hit.entity === 'account' && sameName(hit.title, name));
}

/** The state after the company was found among the accounts: linked to it, and saying why. */
export function withMatchedAccount(state: ConvertState, hit: SearchHit): ConvertState {
  return { ...state, accountMode: 'existing', existingId: hit.id, existingTitle: hit.title, matchedByName: true };
}

/** One part's typed values as input to validation: empty fields left out, 元 to 分. */
function partInput(entity: EntityName, names: readonly string[], typed: Record<string, string>): Record<string, unknown> {
  const fields = entities[entity].fields as Record<string, FieldDef>;
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const def = fields[name];
    const value = typed[name] ?? '';
    if (!def || value.trim() === '') continue;
    out[name] = inputValue(def, value);
  }
  return out;
}

/** What the dialog sends to lead.convert. */
export function convertInput(leadId: string, state: ConvertState): MethodInput<'lead.convert'> {
  return {
    leadId,
    account: state.accountMode === 'existing' ? { existingId: state.existingId } : { values: partInput('account', convertFields.account, state.account) },
    contact: { values: partInput('contact', convertFields.contact, state.contact) },
    opportunity: state.withOpportunity ? { values: partInput('opportunity', convertFields.opportunity, state.opportunity) } : null,
  };
}

export type PartIssues = Record<ConvertPart, FieldIssue[]> & {
  /** Issues that name no field the dialog shows: said at the top. */
  other: FieldIssue[];
};

/**
 * The core's issues sorted to the part they belong to, without the prefix; an issue about a field
 * the dialog does not show (or with no part) goes to `other`.
 */
export function splitIssues(issues: readonly FieldIssue[]): PartIssues {
  const out: PartIssues = { account: [], contact: [], opportunity: [], other: [] };
  for (const issue of issues) {
    const dot = issue.field.indexOf('.');
    const part = dot > 0 ? issue.field.slice(0, dot) : '';
    const field = issue.field.slice(dot + 1);
    const shown = (part === 'account' || part === 'contact' || part === 'opportunity') && ((convertFields[part] as readonly string[]).includes(field) || (part === 'account' && field === 'existingId'));
    if (shown) {
      out[part].push({ ...issue, field });
    } else {
      out.other.push(issue);
    }
  }
  return out;
}

/**
 * The checks the core will run again, before asking it: each part's values as its entity's
 * validation sees them, issues prefixed with the part (as the core sends them). The account of the
 * contact and the deal is filled in by the core, so its absence is not an issue here.
 */
export function checkConvert(state: ConvertState): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const check = (part: ConvertPart, values: Record<string, unknown>) => {
    const shown = convertFields[part] as readonly string[];
    for (const issue of validateValues(part, values, 'create').issues) {
      if (shown.includes(issue.field)) issues.push({ ...issue, field: `${part}.${issue.field}` });
    }
  };
  const input = convertInput('', state);
  if ('values' in input.account) check('account', input.account.values);
  else if (state.existingId === '') issues.push({ field: 'account.existingId', key: 'validation.required' });
  check('contact', input.contact.values);
  if (input.opportunity) check('opportunity', input.opportunity.values);
  return issues;
}
