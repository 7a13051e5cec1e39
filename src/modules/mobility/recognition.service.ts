/**
 * Recognition at home: the decision on each Table B component of the learning agreement in force (recognised ECTS,
 * the home grade written), and its completion, COMPLETED → RECOGNISED through `step()`. Shown to the student.
 */
import DataLoader from 'dataloader';
import { unauthenticated } from '../../platform/errors/domain-error';
import { defineLoader, type RequestContext } from '../../platform/graphql/context';
import { ApplicationStatus as S, MobilityApplication } from './application.entity';
import { step } from './application.service';
import { allowedTransitions } from './application.transitions';
import { LaTable, type LaComponentRow } from './learning-agreement.entity';
import { agreedComponents, agreedComponentsByApplication } from './learning-agreement.service';
import { MobilityErrors } from './mobility.errors';
import type { RecordRecognitionInput } from './recognition.inputs';
import { TrackingErrors } from './tracking.errors';
import { isOfficeOrUnitCoordinator, lockReadable } from './tracking.service';
import { CourseRecognition, RecognitionOutcome } from './transcript.entity';
import { findComponent } from './transcript.service';

const RECOGNITION_OPEN: readonly S[] = [S.LIVE, S.COMPLETED];

/** Sums of ECTS with one decimal, as the columns keep them. */
const sum = (values: number[]) => Math.round(values.reduce((a, b) => a + Number(b), 0) * 10) / 10;

/**
 * Records decisions (office or a coordinator of the student's unit). Every decision is checked before anything is
 * written: the component must be a Table B component of the agreement in force, its recognised ECTS at most the
 * component's. `complete: true` also needs the mobility COMPLETED and a decision for every Table B component.
 */
export async function recordRecognition(ctx: RequestContext, input: RecordRecognitionInput): Promise<MobilityApplication> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return ctx.transaction(async (tx) => {
    const application = await lockReadable(tx, ctx, input.applicationId);
    if (!(await isOfficeOrUnitCoordinator(ctx, application))) throw TrackingErrors.onlyOffice('Recording recognition');
    if (!RECOGNITION_OPEN.includes(application.status)) throw TrackingErrors.recognitionNotOpen(application.status);
    const components = await agreedComponents(tx.em, application.id);
    if (!components) throw TrackingErrors.noApprovedLearningAgreement();
    const tableB = components.filter((c) => c.table === LaTable.B);
    const seen = new Set<string>();
    const decisions = input.decisions.map((d, i) => {
      const component = findComponent(tableB, d.componentId, LaTable.B);
      if (!component) throw TrackingErrors.unknownComponent(`decisions[${i}].componentId`, d.componentId, 'B');
      if (seen.has(component.id)) throw TrackingErrors.duplicateDecision(`decisions[${i}].componentId`);
      seen.add(component.id);
      const recognised = d.outcome === RecognitionOutcome.RECOGNISED;
      if (!recognised && d.recognisedEcts) throw TrackingErrors.notRecognisedWithEcts(`decisions[${i}].recognisedEcts`);
      const ects = recognised ? (d.recognisedEcts ?? Number(component.ects)) : 0;
      if (ects > Number(component.ects)) throw TrackingErrors.ectsExceedComponent(`decisions[${i}].recognisedEcts`, ects, Number(component.ects));
      return { component, outcome: d.outcome, ects, homeGrade: recognised ? d.homeGrade?.trim() || undefined : undefined, note: d.note?.trim() || undefined };
    });
    const existing = await tx.em.find(CourseRecognition, { application: application.id });
    const byComponent = new Map(existing.map((r) => [r.componentId, r]));
    if (input.complete) {
      if (application.status !== S.COMPLETED) {
        throw MobilityErrors.invalidTransition(application.status, S.RECOGNISED, allowedTransitions(application.status, 'OFFICE'));
      }
      const missing = tableB.filter((c) => !seen.has(c.id) && !byComponent.has(c.id)).map((c) => c.id);
      if (missing.length) throw TrackingErrors.recognitionIncomplete(missing);
    }
    const now = new Date();
    for (const d of decisions) {
      const row = byComponent.get(d.component.id) ?? tx.em.create(CourseRecognition, { application, componentId: d.component.id } as never);
      row.outcome = d.outcome;
      row.recognisedEcts = d.ects;
      row.homeGrade = d.homeGrade;
      row.note = d.note;
      row.decidedBy = ctx.viewer.subject ?? undefined;
      row.decidedAt = now;
    }
    await tx.em.flush();
    if (input.complete) {
      const decided = new Map([...existing.map((r) => [r.componentId, r.recognisedEcts] as const), ...decisions.map((d) => [d.component.id, d.ects] as const)]);
      const recognisedEcts = sum(tableB.map((c) => decided.get(c.id) ?? 0));
      const plannedEcts = sum(tableB.map((c) => c.ects));
      await step(tx, application, S.RECOGNISED, 'OFFICE', ctx.viewer.subject, `Recognised ${recognisedEcts} of ${plannedEcts} ECTS (Table B)`);
    }
    return application;
  });
}

/** What `MobilityApplication.recognition` shows. */
export interface RecognitionView {
  status: S;
  /** Table B of the agreement in force (empty when none is approved). */
  components: LaComponentRow[];
  /** Decisions on those components, in their order. */
  decisions: CourseRecognition[];
}

/** Null when there is nothing to show yet: no approved learning agreement and no decision. */
export async function recognitionOf(ctx: RequestContext, application: MobilityApplication): Promise<RecognitionView | null> {
  const [components, decisions] = await Promise.all([
    ctx.loader(agreedComponentsByApplication).load(application.id),
    ctx.loader(recognitionsByApplication).load(application.id),
  ]);
  if (!components && decisions.length === 0) return null;
  const tableB = (components ?? []).filter((c) => c.table === LaTable.B);
  const byComponent = new Map(decisions.map((d) => [d.componentId, d]));
  return { status: application.status, components: tableB, decisions: tableB.flatMap((c) => byComponent.get(c.id) ?? []) };
}

export const recognitionSums = (view: RecognitionView) => ({
  plannedEcts: sum(view.components.map((c) => c.ects)),
  recognisedEcts: sum(view.decisions.map((d) => d.recognisedEcts)),
});

// --- Loaders -----------------------------------------------------------------------------------------------------------------

export const recognitionsByApplication = defineLoader('trkRecognitionsByApplication', (ctx) =>
  new DataLoader<string, CourseRecognition[]>(async (ids) => {
    const rows = await ctx.em.find(CourseRecognition, { application: { $in: [...ids] } }, { orderBy: { decidedAt: 'asc', id: 'asc' } });
    const map = new Map<string, CourseRecognition[]>();
    for (const r of rows) map.set(r.application.id, [...(map.get(r.application.id) ?? []), r]);
    return ids.map((id) => map.get(id) ?? []);
  }),
);

