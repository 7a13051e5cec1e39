import { ApplicationStatus as S } from './application.entity';

/** Who takes a step: the applicant, the office by hand, or the selection the office runs (evaluation, placement, promotion). */
export type TransitionActor = 'APPLICANT' | 'OFFICE' | 'SELECTION';

const A: TransitionActor = 'APPLICANT';
const O: TransitionActor = 'OFFICE';
const SEL: TransitionActor = 'SELECTION';

/**
 * The allowed steps and who may take each. CANCELLED is reachable from every other state by the office (with a reason)
 * and is added below rather than repeated in every row.
 */
const STEPS: Record<S, Partial<Record<S, TransitionActor[]>>> = {
  DRAFT: { SUBMITTED: [A], WITHDRAWN: [A] },
  SUBMITTED: { ELIGIBLE: [SEL], INELIGIBLE: [SEL], WITHDRAWN: [A] },
  // An appeal can reverse an eligibility decision either way.
  ELIGIBLE: { SCORED: [SEL], INELIGIBLE: [O], WITHDRAWN: [A] },
  INELIGIBLE: { ELIGIBLE: [O], WITHDRAWN: [A] },
  SCORED: { SELECTED: [SEL], RESERVE: [SEL], NOT_SELECTED: [SEL], WITHDRAWN: [A] },
  SELECTED: { WAIVED: [A], WITHDRAWN: [A, O], NOMINATED: [O] },
  // A reserve moves up when a selected applicant leaves (promotion), or by hand after an appeal.
  RESERVE: { SELECTED: [SEL], WAIVED: [A], WITHDRAWN: [A, O] },
  NOT_SELECTED: { RESERVE: [O] },
  NOMINATED: { ACCEPTED: [O], REJECTED: [O], WITHDRAWN: [A, O] },
  // The mobility itself: live from the confirmed arrival, completed at the confirmed departure, recognised at home.
  ACCEPTED: { WITHDRAWN: [A, O], LIVE: [O] },
  LIVE: { COMPLETED: [O] },
  COMPLETED: { RECOGNISED: [O] },
  RECOGNISED: {},
  WAIVED: {},
  WITHDRAWN: {},
  REJECTED: {},
  CANCELLED: {},
};

export function canTransition(from: S, to: S, actor: TransitionActor): boolean {
  if (to === S.CANCELLED) return actor === 'OFFICE' && from !== S.CANCELLED;
  return STEPS[from][to]?.includes(actor) ?? false;
}

/** The states `actor` may move an application to from `from` (for error messages and clients' buttons). */
export function allowedTransitions(from: S, actor: TransitionActor): S[] {
  const steps = Object.entries(STEPS[from])
    .filter(([, actors]) => actors!.includes(actor))
    .map(([to]) => to as S);
  if (actor === 'OFFICE' && from !== S.CANCELLED) steps.push(S.CANCELLED);
  return steps;
}

/** States in which an application holds a place: leaving one of them frees it for the next reserve. */
export const HOLDS_PLACE: readonly S[] = [S.SELECTED, S.NOMINATED, S.ACCEPTED];

/** States that use up a place's capacity: holding it, or the mobility under way or done (its place is not given again). */
export const TAKES_PLACE: readonly S[] = [...HOLDS_PLACE, S.LIVE, S.COMPLETED, S.RECOGNISED];

/** Earlier mobilities that count against the cycle's months and the previous-mobility penalty. */
export const COUNTS_AS_MOBILITY: readonly S[] = [S.NOMINATED, S.ACCEPTED, S.LIVE, S.COMPLETED, S.RECOGNISED];

/** An SQL list literal of states (constants only, never user input), for `status in (...)`. */
export const sqlStates = (states: readonly S[]): string => states.map((s) => `'${s}'`).join(', ');

/** Outcomes an anonymised results list shows. */
export const RESULT_STATES: readonly S[] = [S.SELECTED, S.RESERVE, S.NOT_SELECTED, S.INELIGIBLE, S.NOMINATED, S.ACCEPTED, S.LIVE, S.COMPLETED, S.RECOGNISED, S.WAIVED, S.WITHDRAWN, S.REJECTED];
