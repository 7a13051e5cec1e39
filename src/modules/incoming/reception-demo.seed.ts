/**
 * Demo data of the reception side: a university dormitory and a partner residence with rooms, and, when the intake
 * demo has left ACCEPTED incoming guests in the database, some of them housed, arrived, departed and completed with a
 * transcript, so the dashboard, housing and transcript screens have something to show. Safe to run more than once and
 * after (or without) the intake demo: it does nothing when its dormitory exists already.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { MobilityType } from '../agreements/agreement.entity';
import { addDays } from '../mobility/calendar-day';
import { HomeCourse } from '../mobility/course.entity';
import {
  CourseChoiceStatus,
  HousingAssignment,
  HousingKind,
  HousingRoom,
  IncomingCourse,
  IncomingMobility,
  IncomingStatus as S,
  IncomingStatusChange,
} from './incoming-mobility.entity';
import { HOME_GRADE_SCALE } from './departure.service';
import { hostToday } from '../mobility/calendar-day';
import { residencePermitRule } from './reception.service';

export const DEMO_DORMITORY = 'Güzelyurt Öğrenci Yurdu';
export const DEMO_PARTNER_RESIDENCE = 'Vakıf Konukevi (anlaşmalı)';

const SEED_ACTOR = 'demo-seed';

export async function seedIncomingReceptionDemo(em: EntityManager, now = new Date()): Promise<{ rooms: number; guests: number }> {
  return em.transactional(async (txEm) => {
    const tx = txEm as EntityManager;
    if (await tx.count(HousingRoom, { residence: DEMO_DORMITORY })) return { rooms: 0, guests: 0 };
    const today = hostToday(now);

    const rooms: HousingRoom[] = [];
    for (let floor = 1; floor <= 2; floor++) {
      for (let n = 1; n <= 6; n++) {
        rooms.push(tx.create(HousingRoom, { residence: DEMO_DORMITORY, kind: HousingKind.DORMITORY, code: `${String.fromCharCode(64 + floor)}-${100 * floor + n}`, capacity: n % 3 === 0 ? 1 : 2, active: true } as never));
      }
    }
    for (let n = 1; n <= 4; n++) {
      rooms.push(
        tx.create(HousingRoom, {
          residence: DEMO_PARTNER_RESIDENCE,
          kind: HousingKind.PARTNER_HOUSING,
          code: `Daire ${n}`,
          capacity: 3,
          availableFrom: addDays(today, -200),
          availableUntil: addDays(today, 300),
          active: true,
        } as never),
      );
    }
    await tx.flush();

    // The intake demo's accepted guests, oldest first: students get the stages of a stay, staff a short visit.
    const accepted = await tx.find(IncomingMobility, { status: S.ACCEPTED }, { orderBy: { number: 'asc' }, limit: 8 });
    const step = (m: IncomingMobility, to: S, at: Date, reason: string) => {
      tx.create(IncomingStatusChange, { mobility: m, from: m.status, to, actor: SEED_ACTOR, reason, at } as never);
      m.status = to;
    };
    const dayAt = (day: string) => new Date(`${day}T09:00:00Z`);
    const catalogue = await tx.find(HomeCourse, { active: true }, { orderBy: { code: 'asc' }, limit: 4 });
    let guests = 0;
    for (const [i, m] of accepted.entries()) {
      // Guests whose planned arrival has passed are here, gone or done (1: arrived, 2: departed, 3: completed); the
      // others are accepted and housed for their planned dates (0).
      const here = m.plannedArrival !== undefined && m.plannedArrival !== null && m.plannedArrival <= today;
      const stage = here ? [1, 2, 3][i % 3] : 0;
      const student = m.mobilityType === MobilityType.SMS || m.mobilityType === MobilityType.SMT;
      const arrival = here ? m.plannedArrival! : (m.plannedArrival ?? addDays(today, 10));
      const left = addDays(today, -10 - i);
      const departure = stage >= 2 ? (left < arrival ? arrival : left) : (m.plannedDeparture ?? addDays(arrival, student ? 120 : 5));
      const room = rooms[i % rooms.length];
      tx.create(HousingAssignment, { room, mobility: m, startsOn: arrival, endsOn: departure < arrival ? arrival : departure } as never);
      if (stage >= 1) {
        m.actualArrival = arrival;
        const permit = residencePermitRule(m.citizenships, arrival, m.plannedDeparture && m.plannedDeparture >= arrival ? m.plannedDeparture : departure);
        m.residencePermitRequired = permit.required;
        m.residencePermitDueOn = permit.dueOn ?? undefined;
        m.buddyName = 'Zeynep Kaya';
        m.buddyEmail = 'zeynep.kaya@ogr.ornek.edu.tr';
        step(m, S.ARRIVED, dayAt(arrival), `Arrival registered: ${arrival}`);
      }
      if (stage >= 2) {
        m.actualDeparture = departure;
        m.attendanceConfirmedAt = dayAt(departure);
        m.attendanceConfirmedBy = SEED_ACTOR;
        if (m.residencePermitRequired) m.residencePermitObtainedOn = addDays(arrival, 25);
        if (!student) {
          m.visitProgramme = 'Guest lectures and meetings with the department';
          m.teachingHours = 8;
        }
        step(m, S.DEPARTED, dayAt(departure), `Departure confirmed: ${departure}`);
      }
      if (student && stage >= 1) {
        // Courses: the guest's chosen ones registered, else two of the catalogue.
        const chosen = await tx.find(IncomingCourse, { mobility: m.id }, { populate: ['course'] });
        const lines = chosen.length ? chosen : catalogue.slice(0, 2).map((course) => tx.create(IncomingCourse, { mobility: m, course } as never) as IncomingCourse);
        lines.forEach((line, j) => {
          line.status = CourseChoiceStatus.REGISTERED;
          if (stage === 3) {
            const grade = HOME_GRADE_SCALE[(i + j) % 7];
            line.grade = grade.grade;
            line.ectsEarned = line.course.getEntity().ects;
            line.gradedAt = dayAt(departure);
          }
        });
      }
      if (stage === 3) {
        if (student) m.transcriptIssuedAt = dayAt(addDays(departure, 5));
        step(m, S.COMPLETED, dayAt(addDays(departure, 5)), student ? 'Transcript of records issued' : 'Staff visit completed');
      }
      guests++;
    }
    await tx.flush();
    return { rooms: rooms.length, guests };
  });
}
