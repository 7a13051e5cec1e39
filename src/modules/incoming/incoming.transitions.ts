import { IncomingStatus as S } from './incoming-mobility.entity';

/**
 * Who takes a step: the nominee on their own mobility, or the host side: the office, or a coordinator of the host unit
 * (or a unit above it). Cancelling is the office's alone and is added below rather than repeated in every row.
 */
export type IncomingActor = 'NOMINEE' | 'HOST';

const N: IncomingActor = 'NOMINEE';
const H: IncomingActor = 'HOST';

const STEPS: Record<S, Partial<Record<S, IncomingActor[]>>> = {
  // Staff visits need no application of their own: the host accepts the nomination directly.
  NOMINATED: { APPLIED: [N], ACCEPTED: [H], REJECTED: [H], WITHDRAWN: [N, H] },
  APPLIED: { ACCEPTED: [H], REJECTED: [H], INFO_REQUESTED: [H], WITHDRAWN: [N, H] },
  // The nominee answers by completing the application and submitting it again.
  INFO_REQUESTED: { APPLIED: [N], REJECTED: [H], WITHDRAWN: [N, H] },
  ACCEPTED: { ARRIVED: [H], WITHDRAWN: [N, H] },
  ARRIVED: { DEPARTED: [H] },
  DEPARTED: { COMPLETED: [H] },
  COMPLETED: {},
  REJECTED: {},
  WITHDRAWN: {},
  CANCELLED: {},
};

/** `office` is true for the office itself (STAFF, ADMIN): only it cancels. */
export function canStep(from: S, to: S, actor: IncomingActor, office: boolean): boolean {
  if (to === S.CANCELLED) return office && from !== S.CANCELLED && from !== S.COMPLETED;
  return STEPS[from][to]?.includes(actor) ?? false;
}

export function allowedSteps(from: S, actor: IncomingActor, office: boolean): S[] {
  const steps = Object.entries(STEPS[from])
    .filter(([, actors]) => actors!.includes(actor))
    .map(([to]) => to as S);
  if (canStep(from, S.CANCELLED, actor, office)) steps.push(S.CANCELLED);
  return steps;
}

/** States in which the mobility uses up the cooperation condition's quota of its year. */
export const COUNTS_AGAINST_QUOTA: readonly S[] = [S.NOMINATED, S.APPLIED, S.INFO_REQUESTED, S.ACCEPTED, S.ARRIVED, S.DEPARTED, S.COMPLETED];

/** States in which the guest is, or is about to be, on campus. */
export const ON_CAMPUS: readonly S[] = [S.ACCEPTED, S.ARRIVED];

export const sqlIncomingStates = (states: readonly S[]): string => states.map((s) => `'${s}'`).join(', ');
