import { AdmissionStatus as S } from './admission.entity';

/**
 * Who takes a step: the applicant, the office by hand, or the system the office runs (the evaluation of a closed call,
 * promotion from the waitlist when a place is freed, and the enrolment-deadline job).
 */
export type AdmissionActor = 'APPLICANT' | 'OFFICE' | 'SYSTEM';

const A: AdmissionActor = 'APPLICANT';
const O: AdmissionActor = 'OFFICE';
const SYS: AdmissionActor = 'SYSTEM';

/**
 * The allowed steps and who may take each. CANCELLED is reachable by the office (with a reason) from every state that
 * is not final, and is added below rather than repeated in every row. Moves between evaluation outcomes (ADMITTED ↔
 * WAITLISTED ↔ REJECTED) are the evaluation re-run before the results are published; after publication the only
 * SYSTEM steps are promotion (WAITLISTED → ADMITTED / CONDITIONALLY_ADMITTED) and the enrolment deadline (→ DECLINED).
 */
const STEPS: Record<S, Partial<Record<S, AdmissionActor[]>>> = {
  DRAFT: { SUBMITTED: [A], WITHDRAWN: [A] },
  SUBMITTED: { DOCUMENTS_VERIFIED: [O], INCOMPLETE: [O], WITHDRAWN: [A] },
  // The applicant fixes the documents and resubmits while the call is open; still incomplete at evaluation: rejected.
  INCOMPLETE: { SUBMITTED: [A], WITHDRAWN: [A], REJECTED: [SYS] },
  DOCUMENTS_VERIFIED: { INCOMPLETE: [O], ADMITTED: [SYS], CONDITIONALLY_ADMITTED: [SYS], WAITLISTED: [SYS], REJECTED: [SYS], WITHDRAWN: [A] },
  ADMITTED: { ENROLLED: [O], DECLINED: [A, SYS], WITHDRAWN: [A], CONDITIONALLY_ADMITTED: [SYS], WAITLISTED: [SYS], REJECTED: [SYS] },
  CONDITIONALLY_ADMITTED: { ENROLLED: [O], DECLINED: [A, SYS], WITHDRAWN: [A], ADMITTED: [SYS], WAITLISTED: [SYS], REJECTED: [SYS] },
  WAITLISTED: { ADMITTED: [SYS], CONDITIONALLY_ADMITTED: [SYS], REJECTED: [SYS], DECLINED: [A], WITHDRAWN: [A] },
  REJECTED: { ADMITTED: [SYS], CONDITIONALLY_ADMITTED: [SYS], WAITLISTED: [SYS] },
  ENROLLED: {},
  DECLINED: {},
  WITHDRAWN: {},
  CANCELLED: {},
};

/** States nothing leaves (REJECTED is final once the results are published; the services check that). */
export const FINAL_STATES: readonly S[] = [S.ENROLLED, S.DECLINED, S.WITHDRAWN, S.CANCELLED];

export function canTransition(from: S, to: S, actor: AdmissionActor): boolean {
  if (to === S.CANCELLED) return actor === 'OFFICE' && !FINAL_STATES.includes(from);
  return STEPS[from][to]?.includes(actor) ?? false;
}

/** The states `actor` may move an application to from `from` (for error messages and clients' buttons). */
export function allowedTransitions(from: S, actor: AdmissionActor): S[] {
  const steps = Object.entries(STEPS[from])
    .filter(([, actors]) => actors!.includes(actor))
    .map(([to]) => to as S);
  if (actor === 'OFFICE' && !FINAL_STATES.includes(from)) steps.push(S.CANCELLED);
  return steps;
}

/** States that hold one of the call's places (count against the quota). */
export const HOLDS_PLACE: readonly S[] = [S.ADMITTED, S.CONDITIONALLY_ADMITTED, S.ENROLLED];

/** Admitted but not yet enrolled: leaving one of these frees a place for the waitlist. */
export const OFFERED: readonly S[] = [S.ADMITTED, S.CONDITIONALLY_ADMITTED];

/** Outcomes of an evaluation (what a re-run may change before the results are published). */
export const OUTCOMES: readonly S[] = [S.ADMITTED, S.CONDITIONALLY_ADMITTED, S.WAITLISTED, S.REJECTED];

/** States an applicant may edit in (documents and personal data), while the call is open. */
export const EDITABLE: readonly S[] = [S.DRAFT, S.INCOMPLETE];

/** An SQL list literal of states (constants only, never user input), for `status in (...)`. */
export const sqlStates = (states: readonly S[]): string => states.map((s) => `'${s}'`).join(', ');
