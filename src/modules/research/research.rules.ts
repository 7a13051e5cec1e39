import { ResearchSupportStatus as S } from './research.entity';

/**
 * Topic identifiers of EU work programmes: upper-case segments joined by hyphens, starting with the programme and,
 * for most, carrying the year — HORIZON-CL5-2027-D3-01-05, ERC-2027-STG, HORIZON-MSCA-2026-PF-01, DIGITAL-2026-AI-08.
 */
export const TOPIC_ID = /^[A-Z][A-Z0-9]{1,19}(-[A-Z0-9]{1,12}){1,9}$/;
export const TOPIC_ID_MESSAGE = 'each topic identifier is upper-case segments joined by hyphens (e.g. HORIZON-CL5-2027-D3-01-05)';

export function isTopicId(value: string): boolean {
  return value.length <= 80 && TOPIC_ID.test(value);
}

/** An ISCED-F 2013 code: broad (2 digits), narrow (3) or detailed (4). */
export const ISCED = /^\d{2,4}$/;
/** A keyword: lower-case letters (any script), digits, spaces and hyphens. */
export const KEYWORD = /^[\p{Ll}\p{Lo}0-9][\p{Ll}\p{Lo}0-9 -]{0,38}[\p{Ll}\p{Lo}0-9]$/u;

/** Fields are kept trimmed and lower-case (Turkish dotted İ folded like the rest), each once, in the order given. */
export function normaliseFields(fields: readonly string[]): string[] {
  return [...new Set(fields.map((f) => f.trim().toLocaleLowerCase('en').replace(/\s+/g, ' ')))];
}

/** Digits only are ISCED-F codes (never keywords, so `06131` is refused rather than taken as a word). */
export function isValidField(field: string): boolean {
  return /^\d+$/.test(field) ? ISCED.test(field) : KEYWORD.test(field);
}

/**
 * Whether a subscriber's field matches a call's field. ISCED-F codes match along the hierarchy in both directions: a
 * subscriber to the broad field `06` hears calls in `0613`, and a subscriber to `0613` hears a call open to the
 * whole of `06`. Keywords match exactly (after normalising), never as prefixes ("ai" is not "aircraft").
 */
export function fieldMatches(subscribed: string, callField: string): boolean {
  if (ISCED.test(subscribed) && ISCED.test(callField)) return callField.startsWith(subscribed) || subscribed.startsWith(callField);
  return subscribed === callField;
}

/** The subscriber's fields that match the call (empty subscription fields: every call matches, nothing named). */
export function matchedFields(subscribedFields: readonly string[], callFields: readonly string[]): string[] {
  return subscribedFields.filter((s) => callFields.some((c) => fieldMatches(s, c)));
}

/**
 * Whether a subscription (fields and programmes; empty means any) hears of a call. A call without fields is open to
 * every field (ERC, MSCA fellowships and other bottom-up calls), so every subscriber to its programme hears of it.
 */
export function subscriptionMatches(
  subscription: { fields: readonly string[]; programmes: readonly string[] },
  call: { fields: readonly string[]; programme: string },
): boolean {
  if (subscription.programmes.length && !subscription.programmes.includes(call.programme)) return false;
  return !subscription.fields.length || !call.fields.length || matchedFields(subscription.fields, call.fields).length > 0;
}

/** The SQL twin of fieldMatches over a call's `fields` column (alias c) and a parameter array of subscribed fields. */
export const FIELDS_MATCH_SQL = `(cardinality(c.fields) = 0 or exists (select 1 from unnest(c.fields) cf, unnest(?::text[]) sf
  where cf = sf or (cf ~ '^[0-9]{2,4}$' and sf ~ '^[0-9]{2,4}$' and (starts_with(cf, sf) or starts_with(sf, cf)))))`;

// --- Support requests ----------------------------------------------------------------------------------------------------

export type SupportActor = 'RESEARCHER' | 'OFFICE';

const STEPS: Record<S, Partial<Record<S, SupportActor>>> = {
  SUBMITTED: { IN_PROGRESS: 'OFFICE', DECLINED: 'OFFICE', WITHDRAWN: 'RESEARCHER' },
  IN_PROGRESS: { COMPLETED: 'OFFICE', DECLINED: 'OFFICE', WITHDRAWN: 'RESEARCHER' },
  COMPLETED: {},
  DECLINED: {},
  WITHDRAWN: {},
};

export const OPEN_SUPPORT_STATES: readonly S[] = [S.SUBMITTED, S.IN_PROGRESS];

export function canMoveSupport(from: S, to: S, actor: SupportActor): boolean {
  return STEPS[from][to] === actor;
}

export function allowedSupportMoves(from: S, actor: SupportActor): S[] {
  return (Object.entries(STEPS[from]) as [S, SupportActor][]).filter(([, a]) => a === actor).map(([to]) => to);
}

/** "1250" → "1250.00": numeric(12,2) returns amounts so, and comparisons of strings need one form. */
export function money(amount: string | null | undefined): string | undefined {
  if (amount === null || amount === undefined) return undefined;
  return Number(amount).toFixed(2);
}
