/**
 * One student mobility from selection to recognition, through GraphQL only, as the office, the faculty coordinator and
 * the student would take it: selection, nomination and the host's acceptance; the learning agreement proposed and
 * signed by the three parties; planned dates and the grant; arrival and departure confirmed by the host; return
 * documents; the transcript with grades converted to the home scale; recognition. The student follows every status
 * step on their subscription and reads their own agreement, grant, transcript and recognition; another student reads
 * nothing of it. (Each step's rules and refusals are tested in the suites of their area.)
 */
import {
  GrantComputeDocument,
  LaOfApplicationDocument,
  LaProposeDocument,
  LaSignDocument,
  MobApplicationStatusChangedDocument,
  TrkConfirmArrivalDocument,
  TrkConfirmDepartureDocument,
  TrkMobilityDocument,
  TrkRecordDocumentDocument,
  TrkRecordRecognitionDocument,
  TrkRecordTranscriptDocument,
  TrkSetDatesDocument,
  TrkSetTableDocument,
  GrantOfApplicationDocument,
  type MobApplicationStatusChangedSubscription,
  type LaSignMutation,
} from '../generated/graphql';
import { startTestHub, subscribe, type TestHub } from '../support/hub';
import { MobilityWorld, ok, STAFF } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
});
afterAll(() => hub.close());

it('takes a study mobility from selection to recognition, the student following each step live and seeing only their own records', async () => {
  const { call, places, partners } = await world.callWithPlaces([{ country: 'DE', isced: '0613' }]);
  const student = world.applicant('lifecycle');
  const coordinator = world.coordinator('ENG-CENG');
  const applied = await world.apply(student, call.id, { fieldOfStudy: '0613', preferences: [places[0].id] });

  const events = subscribe<MobApplicationStatusChangedSubscription, { applicationId?: string }>(await hub.ws(student), MobApplicationStatusChangedDocument, {
    applicationId: applied.id,
  });
  await world.listening(1);

  // Selection, nomination, the host's acceptance.
  await world.select(call.id);
  const nominated = await world.officeStep(await world.read(applied.id), 'NOMINATED');
  await world.officeStep(nominated, 'ACCEPTED');

  // The learning agreement: the student proposes, then signs with the coordinator (sending) and the office, which
  // records the partner's approval (receiving). Two host courses (Table A), recognised as two home courses (Table B).
  const proposed = ok(
    await hub.request(
      LaProposeDocument,
      {
        input: {
          applicationId: applied.id,
          studentLanguage: 'de',
          studentCefrLevel: 'B2',
          components: [
            { table: 'A', code: 'INF-201', title: 'Datenbanken', termNumber: 1, totalTerms: 2, ects: 15 },
            { table: 'A', code: 'INF-305', title: 'Rechnernetze', termNumber: 1, totalTerms: 2, ects: 15 },
            { table: 'B', code: 'CENG 301', title: 'Database Management Systems', termNumber: 1, totalTerms: 2, ects: 15 },
            { table: 'B', code: 'CENG 435', title: 'Data Communications and Networking', termNumber: 1, totalTerms: 2, ects: 15 },
          ],
        },
      },
      student,
    ),
  ).proposeLearningAgreement;
  const laId = proposed.id;
  const sign = async (who: typeof STAFF, party: 'STUDENT' | 'SENDING' | 'RECEIVING', signerName?: string): Promise<LaSignMutation['signLearningAgreement']> =>
    ok(
      await hub.request(
        LaSignDocument,
        { input: { learningAgreementId: laId, versionNumber: 1, party, signerName, signerPosition: party === 'STUDENT' ? undefined : 'Coordinator', signerEmail: party === 'STUDENT' ? undefined : 'coordinator@example.edu' } },
        who,
      ),
    ).signLearningAgreement;
  await sign(student, 'STUDENT');
  await sign(coordinator, 'SENDING', 'Doç. Dr. Selin Korkmaz');
  const agreed = await sign(STAFF, 'RECEIVING', 'Dr. Anna Schmidt');
  expect(agreed).toMatchObject({ approvedVersionNumber: 1, pending: null });
  const component = (code: string) => agreed.approved!.components.find((c) => c.code === code)!.id;

  // Planned dates and the grant (Germany is in group 1-2 for students: 600 €/month in the seeded 2024 rates).
  // 2027-09-20 → 2028-01-31: 4 whole months (20 Sep → 19 Jan) and 12 days (20-31 Jan) = 4 × 600 + 12 × 20 = 2,640 €.
  let mobility = ok(
    await hub.request(TrkSetDatesDocument, { input: { applicationId: applied.id, version: (await world.read(applied.id)).version, plannedStart: '2027-09-20', plannedEnd: '2028-01-31' } }, STAFF),
  ).setMobilityDates;
  const planned = ok(await hub.request(GrantComputeDocument, { input: { applicationId: applied.id, distanceKm: 1900 } }, STAFF)).computeGrant;
  expect(planned).toMatchObject({ basis: 'PLANNED', months: 4, days: 12, total: 2640 });

  // Arrival and departure as the host confirms them; the student was there two weeks less than planned.
  mobility = ok(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: applied.id, version: mobility.version, actualStart: '2027-09-20' } }, STAFF))
    .confirmArrival;
  expect(mobility.status).toBe('LIVE');
  const back = ok(
    await hub.request(TrkConfirmDepartureDocument, { input: { applicationId: applied.id, version: mobility.version, actualEnd: '2028-01-17', certificateReference: 'CoA-2028-01' } }, STAFF),
  ).confirmDeparture;
  expect(back).toMatchObject({ status: 'COMPLETED', durationCheck: { basis: 'ACTUAL', actualDays: 120, differsFromGrant: true } });
  // Recomputed from the confirmed dates: 20 Sep → 17 Jan is 3 whole months (to 19 Dec) and 29 days = 1,800 + 580 = 2,380 €.
  const actual = ok(await hub.request(GrantComputeDocument, { input: { applicationId: applied.id } }, STAFF)).computeGrant;
  expect(actual).toMatchObject({ basis: 'ACTUAL', months: 3, days: 29, total: 2380 });

  // Return documents: the student hands in the participant report; the office records the language assessment.
  ok(await hub.request(TrkRecordDocumentDocument, { input: { applicationId: applied.id, kind: 'PARTICIPANT_REPORT', reference: 'EU survey' } }, student));
  ok(await hub.request(TrkRecordDocumentDocument, { input: { applicationId: applied.id, kind: 'LANGUAGE_ASSESSMENT', reference: 'OLS B2' } }, STAFF));

  // The host's transcript, converted with this partner's grade distribution (midpoints: 1,0 → 10 → AA; 2,0 → 35 → BB).
  ok(
    await hub.request(
      TrkSetTableDocument,
      {
        input: {
          name: `${partners[0].name} grades`,
          partnerId: partners[0].id,
          hostScale: [
            { grade: '1,0', percent: 20 },
            { grade: '2,0', percent: 30 },
            { grade: '3,0', percent: 30 },
            { grade: '4,0', percent: 20 },
          ],
          homeScale: [
            { grade: 'AA', percent: 10 },
            { grade: 'BA', percent: 20 },
            { grade: 'BB', percent: 20 },
            { grade: 'CB', percent: 20 },
            { grade: 'CC', percent: 20 },
            { grade: 'DC', percent: 10 },
          ],
        },
      },
      STAFF,
    ),
  );
  const transcript = ok(
    await hub.request(
      TrkRecordTranscriptDocument,
      {
        input: {
          applicationId: applied.id,
          entries: [
            { componentId: component('INF-201'), courseCode: 'INF-201', courseTitle: 'Datenbanken', ects: 15, hostGrade: '1,0', passed: true },
            { componentId: component('INF-305'), courseCode: 'INF-305', courseTitle: 'Rechnernetze', ects: 15, hostGrade: '2,0', passed: true },
          ],
        },
      },
      STAFF,
    ),
  ).recordTranscript;
  expect(transcript.transcript.map((t) => [t.courseCode, t.hostGrade, t.homeGrade])).toEqual([
    ['INF-201', '1,0', 'AA'],
    ['INF-305', '2,0', 'BB'],
  ]);

  // The faculty board recognises both Table B courses with the converted grades: the mobility is RECOGNISED.
  const recognised = ok(
    await hub.request(
      TrkRecordRecognitionDocument,
      {
        input: {
          applicationId: applied.id,
          complete: true,
          decisions: [
            { componentId: component('CENG 301'), outcome: 'RECOGNISED', recognisedEcts: 15, homeGrade: 'AA' },
            { componentId: component('CENG 435'), outcome: 'RECOGNISED', recognisedEcts: 15, homeGrade: 'BB' },
          ],
        },
      },
      coordinator,
    ),
  ).recordRecognition;
  expect(recognised).toMatchObject({ status: 'RECOGNISED', recognition: { complete: true, plannedEcts: 30, recognisedEcts: 30 } });

  // Every status step reached the student's subscription, in order.
  const steps: string[] = [];
  while (steps[steps.length - 1] !== 'RECOGNISED') steps.push((await events.next(10_000)).data!.applicationStatusChanged.to);
  events.dispose();
  expect(steps).toEqual(['ELIGIBLE', 'SCORED', 'SELECTED', 'NOMINATED', 'ACCEPTED', 'LIVE', 'COMPLETED', 'RECOGNISED']);

  // The student reads their own learning agreement, grant, transcript and recognition.
  const own = ok(await hub.request(TrkMobilityDocument, { id: applied.id }, student)).mobilityApplication!;
  expect(own).toMatchObject({ status: 'RECOGNISED', actualStart: '2027-09-20', actualEnd: '2028-01-17', recognition: { complete: true, recognisedEcts: 30 } });
  expect(own.transcript.map((t) => t.homeGrade)).toEqual(['AA', 'BB']);
  expect(ok(await hub.request(GrantOfApplicationDocument, { id: applied.id }, student)).mobilityApplication!.grant).toMatchObject({ total: 2380, basis: 'ACTUAL' });
  expect(ok(await hub.request(LaOfApplicationDocument, { id: applied.id }, student)).mobilityApplication!.learningAgreement).toMatchObject({ approvedVersionNumber: 1 });

  // Another student reads none of it: the application itself is not theirs to see.
  const other = world.applicant('other');
  expect(ok(await hub.request(TrkMobilityDocument, { id: applied.id }, other)).mobilityApplication).toBeNull();
  expect(ok(await hub.request(GrantOfApplicationDocument, { id: applied.id }, other)).mobilityApplication).toBeNull();
  expect(ok(await hub.request(LaOfApplicationDocument, { id: applied.id }, other)).mobilityApplication).toBeNull();
});
