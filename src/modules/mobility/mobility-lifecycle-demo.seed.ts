import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../platform/graphql/relay';
import type { Logger } from '../../platform/logging/logger';
import { canonicalErasmusCode } from '../institutions/institution-identifiers';
import { Institution } from '../institutions/institution.entity';
import { INSTITUTION_TYPE } from '../institutions/institution.service';
import { MobilityApplication } from './application.entity';
import { APPLICATION_TYPE } from './application.service';
import { HomeCourse } from './course.entity';
import { HOME_COURSE_TYPE } from './course.service';
import { computeMobilityGrant, GRANT_TYPE, recordGrantPayment } from './grant.service';
import { LaChangeReason, LaParty, LaTable, LearningAgreement } from './learning-agreement.entity';
import {
  agreedComponents,
  LA_TYPE,
  proposeLearningAgreement,
  proposeLearningAgreementChange,
  signLearningAgreement,
} from './learning-agreement.service';
import type { SeedContexts } from './mobility-demo.seed';
import { recordRecognition } from './recognition.service';
import { ReturnDocumentKind } from './return-document.entity';
import { confirmArrival, confirmDeparture, recordReturnDocument, setMobilityDates } from './tracking.service';
import type { GradeShare } from './transcript.entity';
import { RecognitionOutcome } from './transcript.entity';
import { recordTranscript, setGradeConversionTable } from './transcript.service';

/** seeds/demo/mobility-lifecycle.json: grade conversion tables and the demo mobilities after selection. */
export interface MobilityLifecycleSeed {
  gradeConversionTables: { name: string; partnerErasmusCode?: string; iscedCode?: string; hostScale: GradeShare[]; homeScale: GradeShare[] }[];
  mobilities: DemoMobility[];
}

interface DemoComponent {
  table: keyof typeof LaTable;
  code?: string;
  title?: string;
  /** Table B: the home catalogue course, by code. */
  homeCourse?: string;
  termNumber?: number;
  totalTerms?: number;
  ects: number;
}

interface DemoMobility {
  academicYear: string;
  mobilityType: string;
  applicant: string;
  /** Dates are days from the seed day, like the calls' windows, so that a mobility always follows its call's selection. */
  plannedStartInDays: number;
  plannedEndInDays: number;
  learningAgreement?: {
    studentLanguage: string;
    studentCefrLevel: string;
    /** All three parties signed the first version (on `signedInDays`); otherwise only `signedBy`. */
    signed: boolean;
    signedInDays?: number;
    signedBy?: LaParty[];
    components: DemoComponent[];
    /** A change proposal after approval: deletions by Table A code, insertions with their reason; signed by `signedBy`. */
    change?: {
      delete: { code: string; reason: keyof typeof LaChangeReason }[];
      insert: (DemoComponent & { reason: keyof typeof LaChangeReason })[];
      signedBy: LaParty[];
    };
  };
  grant?: { distanceKm: number; greenTravel: boolean; fewerOpportunities: boolean; instalmentPlan: number[]; firstPaymentInDays: number };
  arrivalInDays?: number;
  departureInDays?: number;
  certificateReference?: string;
  documents?: { kind: keyof typeof ReturnDocumentKind; reference: string }[];
  /** Host results by Table A code. */
  transcript?: { code: string; hostGrade: string; passed: boolean }[];
  /** Decisions per Table B home course: the home grade is the converted grade of the Table A course named by `from`. */
  recognition?: { complete: boolean; decisions: { homeCourse: string; outcome: keyof typeof RecognitionOutcome; from?: string }[] };
  recognisedInDays?: number;
}

/** YYYY-MM-DD of the day `offset` days from today (UTC). */
function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/** The sending and receiving signers the demo records (the receiving one as the partner's approval the office enters). */
const SIGNERS: Record<LaParty, { signerName: string; signerPosition: string; signerEmail: string; signerApp: string }> = {
  STUDENT: { signerName: '', signerPosition: 'Student', signerEmail: '', signerApp: 'IRO Hub' },
  SENDING: { signerName: 'Doç. Dr. Selin Korkmaz', signerPosition: 'Erasmus+ faculty coordinator', signerEmail: 'erasmus.coordinator@demo.edu.tr', signerApp: 'IRO Hub' },
  RECEIVING: { signerName: 'International Office', signerPosition: 'Incoming mobility coordinator', signerEmail: 'incoming@partner.example', signerApp: 'EWP' },
};

/**
 * The demo's mobilities after selection, taken through the services as the office, the coordinators and the students
 * would: planned dates, learning agreements with signatures (and a pending change), grants with the first instalment
 * paid, arrival and departure confirmed by the host, return documents, transcripts with converted grades, recognition.
 * Runs after the selection demo; the services stamp each step with the seed time, so the timeline is then moved to the
 * mobility's own dates.
 */
export async function seedMobilityLifecycleDemo(em: EntityManager, log: Logger, data: MobilityLifecycleSeed, contexts: SeedContexts): Promise<void> {
  const { office, applicant } = contexts;
  const read = em.fork();
  const partnerId = async (code: string) => {
    const partner = await read.findOne(Institution, { erasmusCode: canonicalErasmusCode(code) ?? code });
    if (!partner) throw new Error(`mobility lifecycle demo: no partner ${code}`);
    return toGlobalId(INSTITUTION_TYPE, partner.id);
  };
  for (const table of data.gradeConversionTables) {
    await setGradeConversionTable(office(), {
      name: table.name,
      partnerId: table.partnerErasmusCode ? await partnerId(table.partnerErasmusCode) : null,
      iscedCode: table.iscedCode ?? null,
      hostScale: table.hostScale,
      homeScale: table.homeScale,
    });
  }

  const courses = new Map((await read.find(HomeCourse, {})).map((c) => [c.code, c.id]));
  const componentInput = (c: DemoComponent) => {
    const courseId = c.homeCourse ? courses.get(c.homeCourse) : undefined;
    if (c.homeCourse && !courseId) throw new Error(`mobility lifecycle demo: no home course ${c.homeCourse}`);
    return {
      table: c.table as LaTable,
      code: c.code ?? c.homeCourse,
      title: c.title,
      termNumber: c.termNumber,
      totalTerms: c.totalTerms,
      ects: c.ects,
      homeCourseId: courseId ? toGlobalId(HOME_COURSE_TYPE, courseId) : null,
    };
  };

  for (const m of data.mobilities) {
    const rows = await em.fork().execute<{ id: string; display_name: string | null; email: string | null }[]>(
      `select a.id, u.display_name, u.email from mobility_application a join mobility_call c on c.id = a.call_id
         left join user_account u on u.subject = a.applicant_subject
        where c.academic_year = ? and c.mobility_type = ? and a.applicant_subject = ?`,
      [m.academicYear, m.mobilityType, m.applicant],
    );
    if (rows.length !== 1) throw new Error(`mobility lifecycle demo: no ${m.academicYear} ${m.mobilityType} application of ${m.applicant}`);
    const { id } = rows[0];
    const gid = toGlobalId(APPLICATION_TYPE, id);
    const current = () => em.fork().findOneOrFail(MobilityApplication, { id });
    // A fresh context per step, as per request.
    const student = () => applicant(m.applicant);
    const sign = async (laId: string, versionNumber: number, parties: LaParty[]) => {
      for (const party of parties) {
        const signer = party === LaParty.STUDENT ? { ...SIGNERS.STUDENT, signerName: rows[0].display_name ?? m.applicant, signerEmail: rows[0].email ?? '' } : SIGNERS[party];
        await signLearningAgreement(party === LaParty.STUDENT ? student() : office(), { learningAgreementId: laId, versionNumber, party, ...signer });
      }
    };

    await setMobilityDates(office(), {
      applicationId: gid,
      version: (await current()).version,
      plannedStart: day(m.plannedStartInDays),
      plannedEnd: day(m.plannedEndInDays),
    });

    let tableA = new Map<string, string>(); // Table A code → component id
    if (m.learningAgreement) {
      const la = await proposeLearningAgreement(student(), {
        applicationId: gid,
        studentLanguage: m.learningAgreement.studentLanguage,
        studentCefrLevel: m.learningAgreement.studentCefrLevel,
        components: m.learningAgreement.components.map(componentInput),
      });
      const laId = toGlobalId(LA_TYPE, la.id);
      await sign(laId, 1, m.learningAgreement.signed ? [LaParty.STUDENT, LaParty.SENDING, LaParty.RECEIVING] : (m.learningAgreement.signedBy ?? []));
      const agreed = await agreedComponents(em.fork(), id);
      tableA = new Map((agreed ?? []).filter((c) => c.table === LaTable.A && c.code).map((c) => [c.code!, c.id]));
      const change = m.learningAgreement.change;
      if (change && agreed) {
        const fresh = await em.fork().findOneOrFail(LearningAgreement, { id: la.id });
        await proposeLearningAgreementChange(student(), {
          learningAgreementId: laId,
          version: fresh.version,
          delete: change.delete.map((d) => ({ componentId: tableA.get(d.code)!, reason: d.reason as LaChangeReason })),
          insert: change.insert.map((c) => ({ ...componentInput(c), reason: c.reason as LaChangeReason })),
        });
        await sign(laId, 2, change.signedBy);
      }
    }

    if (m.grant) {
      const grant = await computeMobilityGrant(office(), {
        applicationId: gid,
        distanceKm: m.grant.distanceKm,
        greenTravel: m.grant.greenTravel,
        fewerOpportunities: m.grant.fewerOpportunities,
        instalmentPlan: m.grant.instalmentPlan,
      });
      const first = Math.round(grant.total * m.grant.instalmentPlan[0]) / 100;
      await recordGrantPayment(office(), {
        grantId: toGlobalId(GRANT_TYPE, grant.id),
        instalment: 1,
        amount: first,
        paidOn: day(m.grant.firstPaymentInDays),
        reference: `DEMO-${m.applicant}-1`,
      });
    }

    if (m.arrivalInDays !== undefined) {
      await confirmArrival(office(), { applicationId: gid, version: (await current()).version, actualStart: day(m.arrivalInDays) });
    }
    if (m.departureInDays !== undefined) {
      await confirmDeparture(office(), {
        applicationId: gid,
        version: (await current()).version,
        actualEnd: day(m.departureInDays),
        certificateReference: m.certificateReference ?? `DEMO-${m.applicant}-CERT`,
      });
      if (m.grant) {
        // Back home: the grant follows the confirmed dates, and the balance (or a recovery) is paid.
        const grant = await computeMobilityGrant(office(), { applicationId: gid });
        const [{ paid }] = await em.fork().execute<{ paid: string }[]>(`select coalesce(sum(amount), 0) as paid from mobility_grant_payment where grant_id = ?`, [grant.id]);
        const rest = Math.round((grant.total - Number(paid)) * 100) / 100;
        if (rest > 0) {
          await recordGrantPayment(office(), {
            grantId: toGlobalId(GRANT_TYPE, grant.id),
            instalment: m.grant.instalmentPlan.length,
            amount: rest,
            paidOn: day(m.departureInDays + 14),
            reference: `DEMO-${m.applicant}-2`,
          });
        }
      }
    }
    for (const d of m.documents ?? []) {
      await recordReturnDocument(office(), { applicationId: gid, kind: d.kind as ReturnDocumentKind, reference: d.reference });
    }
    if (m.transcript) {
      await recordTranscript(office(), {
        applicationId: gid,
        entries: m.transcript.map((t) => {
          const component = [...tableA.entries()].find(([code]) => code === t.code);
          const source = m.learningAgreement?.components.find((c) => c.code === t.code);
          if (!component || !source) throw new Error(`mobility lifecycle demo: ${t.code} is not in Table A of ${m.applicant}`);
          return { componentId: component[1], courseCode: t.code, courseTitle: source.title ?? t.code, ects: source.ects, hostGrade: t.hostGrade, passed: t.passed };
        }),
      });
    }
    if (m.recognition) {
      const agreed = (await agreedComponents(em.fork(), id)) ?? [];
      const converted = new Map(
        (await em.fork().execute<{ course_code: string; home_grade: string | null }[]>(`select course_code, home_grade from mobility_transcript_entry where application_id = ?`, [id])).map(
          (r) => [r.course_code, r.home_grade],
        ),
      );
      await recordRecognition(office(), {
        applicationId: gid,
        complete: m.recognition.complete,
        decisions: m.recognition.decisions.map((d) => {
          const component = agreed.find((c) => c.table === LaTable.B && c.homeCourseId === courses.get(d.homeCourse));
          if (!component) throw new Error(`mobility lifecycle demo: ${d.homeCourse} is not in Table B of ${m.applicant}`);
          return {
            componentId: component.id,
            outcome: d.outcome as RecognitionOutcome,
            recognisedEcts: d.outcome === 'RECOGNISED' ? component.ects : 0,
            homeGrade: d.from ? (converted.get(d.from) ?? null) : null,
          };
        }),
      });
    }
    await backdateLifecycle(em.fork(), id, m);
  }
  log.debug({ mobilities: data.mobilities.length }, 'mobility lifecycle demo seeded');
}

/**
 * The services stamp every step with the seed time; this puts them on the mobility's own calendar: the learning
 * agreement signed on its day, arrival and departure steps on their dates (10:00 Istanbul time), the certificate and the
 * return documents a few days after departure, recognition on its day, the grant computed when the first payment went out.
 */
async function backdateLifecycle(em: EntityManager, applicationId: string, m: DemoMobility): Promise<void> {
  // 10:00 Istanbul time on the day `offset` days from today.
  const at = (offset: number | undefined, plusDays = 0) => (offset === undefined ? null : new Date(Date.parse(`${day(offset + plusDays)}T07:00:00Z`)));
  const signedOn = at(m.learningAgreement?.signedInDays);
  const arrival = at(m.arrivalInDays);
  const departureRecorded = at(m.departureInDays, 3);
  const recognised = at(m.recognisedInDays);
  await em.transactional(async (tx) => {
    const run = (sql: string, params: unknown[]) => tx.execute(sql, params);
    if (signedOn) {
      await run(
        `update learning_agreement_version v set proposed_at = ?::timestamptz - interval '7 days',
                decided_at = case when v.state = 'APPROVED' then ?::timestamptz else v.decided_at end,
                signatures = (select coalesce(jsonb_agg(jsonb_set(s, '{at}', to_jsonb(to_char((?::timestamptz) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))), '[]'::jsonb)
                                from jsonb_array_elements(v.signatures) s)
          from learning_agreement la where la.id = v.learning_agreement_id and la.application_id = ? and v.number = 1`,
        [signedOn, signedOn, signedOn, applicationId],
      );
    }
    if (arrival) await run(`update mobility_application_status_change set at = ? where application_id = ? and "to" = 'LIVE'`, [arrival, applicationId]);
    if (departureRecorded) {
      await run(`update mobility_application_status_change set at = ? where application_id = ? and "to" = 'COMPLETED'`, [departureRecorded, applicationId]);
      await run(`update mobility_application set attendance_confirmed_at = ? where id = ?`, [departureRecorded, applicationId]);
      await run(`update mobility_return_document set received_at = ? where application_id = ? and received_at is not null`, [departureRecorded, applicationId]);
    }
    if (recognised) {
      await run(`update mobility_application_status_change set at = ? where application_id = ? and "to" = 'RECOGNISED'`, [recognised, applicationId]);
      await run(`update mobility_course_recognition set decided_at = ? where application_id = ?`, [recognised, applicationId]);
    }
    if (m.grant) {
      await run(`update mobility_grant set computed_at = coalesce(?, computed_at) where application_id = ?`, [departureRecorded ?? at(m.grant.firstPaymentInDays, -14), applicationId]);
      await run(
        `update mobility_grant_payment p set recorded_at = p.paid_on::timestamptz + interval '10 hours' from mobility_grant g where g.id = p.grant_id and g.application_id = ?`,
        [applicationId],
      );
    }
  });
}
