/** Reception, housing, stay, departure, transcripts, staff visits and the incoming dashboard (GraphQL, thin). */
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription, registerEnumType } from 'type-graphql';
import { IsOptional, Length } from 'class-validator';
import { OFFICE_ROLES } from '../../platform/auth/viewer';
import type { DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import { registerNodeType } from '../../platform/graphql/node';
import { ConnectionArgs, ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { daysInclusive } from '../mobility/calendar-day';
import { AcademicTerm, CourseChoiceStatus, HousingAssignment, HousingKind, HousingRoom, IncomingMobility, IncomingStatus } from './incoming-mobility.entity';
import { getIncoming, INCOMING_TYPE } from './incoming-mobility.service';
import { housingOfMobility } from './incoming.loaders';
import {
  certificateOf,
  completeIncomingStaffVisit,
  confirmIncomingDeparture,
  gradeIncomingCourses,
  issueIncomingTranscript,
  markIncomingTranscriptSent,
  setStaffVisitProgramme,
  staffVisitView,
  transcriptOf,
  type CertificateView,
  type StaffVisitView,
  type TranscriptView,
} from './departure.service';
import {
  assignHousing,
  createHousingRoom,
  getHousingRoom,
  HOUSING_ASSIGNMENT_TYPE,
  HOUSING_ROOM_TYPE,
  housingAvailability,
  housingRoomById,
  listHousingRooms,
  releaseHousing,
  updateHousingRoom,
  type RoomAvailabilityView,
} from './housing.service';
import { incomingDashboard, type IncomingDashboardView } from './incoming-dashboard.service';
import {
  AssignHousingInput,
  AssignIncomingBuddyInput,
  ConfirmIncomingDepartureInput,
  CreateHousingRoomInput,
  GradeIncomingCoursesInput,
  IncomingVersionInput,
  RecordResidencePermitInput,
  RegisterIncomingArrivalInput,
  RegisterIncomingCoursesInput,
  SetIncomingOrientationInput,
  SetStaffVisitProgrammeInput,
  UpdateHousingRoomInput,
} from './reception.inputs';
import {
  assignIncomingBuddy,
  followIncomingReminders,
  incomingReminderView,
  IncomingReminderKind,
  orientationOf,
  recordResidencePermit,
  registerIncomingArrival,
  registerIncomingCourses,
  residencePermitView,
  setIncomingOrientation,
  type IncomingCourseLine as CourseLineShape,
  type IncomingReminderView,
  type OrientationView,
  type ResidencePermitView as PermitShape,
} from './reception.service';

registerEnumType(IncomingReminderKind, { name: 'IncomingReminderKind', description: 'What a reminder about an incoming guest is for.' });

// --- Object types -------------------------------------------------------------------------------------------------------

@ObjectType({ description: 'The welcome day (an event of the website content) the guest is expected at.' })
class IncomingOrientation implements OrientationView {
  @Field(() => ID, { description: 'The Event (node(id)).' })
  eventId!: string;

  @Field()
  title!: string;

  @Field(() => Date, { nullable: true })
  startsAt!: Date | null;

  @Field(() => Date, { nullable: true })
  endsAt!: Date | null;

  @Field(() => String, { nullable: true })
  venue!: string | null;
}

@ObjectType({ description: 'The local student who helps the guest settle in.' })
class IncomingBuddy {
  @Field()
  name!: string;

  @Field()
  email!: string;
}

@ObjectType({ description: 'Whether the guest needs a residence permit (stays over 90 days without Turkish citizenship), by when, and when obtained.' })
class IncomingResidencePermit implements PermitShape {
  @Field()
  required!: boolean;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: the arrival plus the office’s application period.' })
  dueOn!: string | null;

  @Field(() => String, { nullable: true })
  obtainedOn!: string | null;

  @Field({ description: 'Required, not obtained, and past its due date.' })
  overdue!: boolean;
}

@ObjectType({ description: 'The host’s confirmation of the stay (at the departure).' })
class IncomingAttendance {
  @Field()
  arrival!: string;

  @Field()
  departure!: string;

  @Field(() => Int, { description: 'Days of the stay, first and last included.' })
  days!: number;

  @Field()
  confirmedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Who confirmed it (account subject).' })
  confirmedBy!: string | null;
}

@ObjectType({ description: 'A course of the home catalogue taken by a guest: chosen, registered or dropped, and graded.' })
class IncomingCourseLine implements CourseLineShape {
  @Field(() => ID, { description: 'The HomeCourse.' })
  courseId!: string;

  @Field()
  code!: string;

  @Field()
  title!: string;

  @Field(() => Float)
  ects!: number;

  @Field(() => CourseChoiceStatus)
  status!: CourseChoiceStatus;

  @Field(() => String, { nullable: true, description: 'Home scale (AA … FF).' })
  grade!: string | null;

  @Field(() => Float, { nullable: true, description: 'The course’s ECTS when passed, 0 when failed; null until graded.' })
  ectsEarned!: number | null;
}

@ObjectType()
class IncomingCourseRegistration {
  @Field(() => IncomingMobility)
  mobility!: IncomingMobility;

  @Field(() => [IncomingCourseLine], { description: 'Every course of the guest (dropped ones too), by code.' })
  courses!: CourseLineShape[];
}

@ObjectType({ description: 'A grade of the home scale.' })
class HomeGradeLine {
  @Field()
  grade!: string;

  @Field(() => Float, { description: 'Grade points out of 4.00.' })
  points!: number;

  @Field()
  passed!: boolean;
}

@ObjectType()
class InstitutionLine {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  erasmusCode!: string | null;

  @Field()
  country!: string;
}

@ObjectType({ description: 'The transcript of records of a student guest: a draft for the host side until issued; the guest sees it once issued.' })
class IncomingTranscript implements TranscriptView {
  @Field(() => ID)
  mobilityId!: string;

  @Field()
  number!: string;

  @Field()
  issued!: boolean;

  @Field(() => Date, { nullable: true })
  issuedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it went to the sending institution.' })
  sentToPartnerAt!: Date | null;

  @Field()
  givenNames!: string;

  @Field()
  familyName!: string;

  @Field(() => String, { nullable: true })
  birthDate!: string | null;

  @Field(() => InstitutionLine, { nullable: true })
  sendingInstitution!: InstitutionLine | null;

  @Field(() => String, { nullable: true })
  sendingUnitName!: string | null;

  @Field(() => InstitutionLine, { nullable: true })
  hostInstitution!: InstitutionLine | null;

  @Field(() => String, { nullable: true })
  hostUnit!: string | null;

  @Field()
  academicYear!: string;

  @Field(() => AcademicTerm)
  term!: AcademicTerm;

  @Field(() => String, { nullable: true, description: 'Actual first day.' })
  arrival!: string | null;

  @Field(() => String, { nullable: true, description: 'Actual last day.' })
  departure!: string | null;

  @Field(() => [IncomingCourseLine], { description: 'Registered courses, by code.' })
  courses!: CourseLineShape[];

  @Field(() => Int)
  totalCourses!: number;

  @Field(() => Float)
  ectsRegistered!: number;

  @Field(() => Float)
  ectsEarned!: number;

  @Field(() => Float, { nullable: true, description: 'ECTS-weighted grade points of the graded courses (out of 4.00).' })
  gradePointAverage!: number | null;

  @Field(() => [HomeGradeLine], { description: 'The grading scale, best first.' })
  gradeScale!: HomeGradeLine[];
}

@ObjectType({ description: 'The certificate of attendance the host issues once the departure is confirmed.' })
class IncomingCertificateOfAttendance implements CertificateView {
  @Field(() => ID)
  mobilityId!: string;

  @Field()
  number!: string;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field()
  givenNames!: string;

  @Field()
  familyName!: string;

  @Field(() => InstitutionLine, { nullable: true })
  sendingInstitution!: InstitutionLine | null;

  @Field(() => InstitutionLine, { nullable: true })
  hostInstitution!: InstitutionLine | null;

  @Field(() => String, { nullable: true })
  hostUnit!: string | null;

  @Field()
  arrival!: string;

  @Field()
  departure!: string;

  @Field(() => Int)
  days!: number;

  @Field()
  confirmedAt!: Date;

  @Field(() => String, { nullable: true })
  confirmedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'Staff visits: the teaching or training programme.' })
  programme!: string | null;

  @Field(() => Float, { nullable: true })
  teachingHours!: number | null;
}

@ObjectType({ description: 'A staff visit’s programme, with the Erasmus+ teaching minimum of teaching visits (warned, not enforced).' })
class IncomingStaffVisit implements StaffVisitView {
  @Field(() => String, { nullable: true })
  programme!: string | null;

  @Field(() => Float, { nullable: true })
  teachingHours!: number | null;

  @Field(() => Int, { nullable: true, description: 'Days of the visit (actual, else planned).' })
  days!: number | null;

  @Field(() => Float, { nullable: true, description: 'Teaching visits (STA): 8 hours per week, pro rata beyond a week.' })
  minimumTeachingHours!: number | null;

  @Field()
  belowTeachingMinimum!: boolean;

  @Field(() => String, { nullable: true })
  warning!: string | null;
}

@ObjectType({ description: 'An active room with free beds over a whole range of days.' })
class RoomAvailability implements RoomAvailabilityView {
  @Field(() => HousingRoom)
  room!: HousingRoom;

  @Field(() => Int)
  capacity!: number;

  @Field(() => Int, { description: 'Beds free on every day of the range (the fewest over the days).' })
  freeBeds!: number;
}

@ObjectType({ description: 'A guest on the dashboard.' })
class IncomingDashboardGuest {
  @Field(() => ID)
  mobilityId!: string;

  @Field()
  number!: string;

  @Field()
  guestName!: string;

  @Field(() => IncomingStatus)
  status!: IncomingStatus;

  @Field({ description: 'Arrivals: the arrival day; transcripts: the departure; permits: the due date.' })
  on!: string;

  @Field({ description: 'Arrivals: the planned day, not yet registered.' })
  planned!: boolean;

  @Field(() => Int, { description: 'Transcripts: days since the departure; permits: days left (negative when overdue); arrivals: 0.' })
  days!: number;
}

@ObjectType()
class ResidenceOccupancy {
  @Field()
  residence!: string;

  @Field(() => HousingKind)
  kind!: HousingKind;

  @Field(() => Int, { description: 'Active rooms available today.' })
  rooms!: number;

  @Field(() => Int)
  beds!: number;

  @Field(() => Int)
  freeBeds!: number;
}

@ObjectType()
class IncomingStatusCount {
  @Field(() => IncomingStatus)
  status!: IncomingStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'The incoming desk’s week: the office sees every guest, coordinators their units’.' })
class IncomingDashboard implements IncomingDashboardView {
  @Field({ description: 'Today at the host (Europe/Istanbul).' })
  today!: string;

  @Field({ description: 'Monday of this week.' })
  weekStart!: string;

  @Field({ description: 'Sunday of this week.' })
  weekEnd!: string;

  @Field(() => [IncomingDashboardGuest], { description: 'Arrivals this week: registered, or planned and not yet registered.' })
  arrivalsThisWeek!: IncomingDashboardGuest[];

  @Field(() => [ResidenceOccupancy], { description: 'Per residence: rooms, beds and beds free today.' })
  roomsFreeToday!: ResidenceOccupancy[];

  @Field(() => [IncomingDashboardGuest], { description: 'Student guests departed without an issued transcript, longest waiting first.' })
  transcriptsDue!: IncomingDashboardGuest[];

  @Field(() => [IncomingDashboardGuest], { description: 'Residence permits due within 7 days or overdue.' })
  residencePermitsDue!: IncomingDashboardGuest[];

  @Field(() => [IncomingStatusCount])
  byStatus!: IncomingStatusCount[];
}

@ObjectType({ description: 'A reminder about an incoming guest, as the daily job sends it.' })
class IncomingReminder implements IncomingReminderView {
  @Field(() => ID)
  mobilityId!: string;

  @Field()
  number!: string;

  @Field(() => IncomingReminderKind)
  kind!: IncomingReminderKind;

  @Field()
  dueOn!: string;

  @Field(() => Int, { description: 'Negative when overdue.' })
  daysLeft!: number;

  @Field()
  overdue!: boolean;

  @Field()
  at!: Date;
}

const HousingRoomConnection = ConnectionType(HousingRoom, 'HousingRoom');

@ArgsType()
class HousingRoomListArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  residence?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Deactivated rooms too.' })
  @IsOptional()
  includeInactive?: boolean | null;
}

// --- Resolvers ----------------------------------------------------------------------------------------------------------

@Resolver(() => HousingRoom)
export class HousingRoomResolver {
  @Authorized()
  @Query(() => HousingRoomConnection, { description: 'Rooms by residence and code (office and coordinators).' })
  housingRooms(@Args() args: HousingRoomListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<HousingRoom>> {
    return listHousingRooms(ctx, args);
  }

  @Authorized()
  @Query(() => [RoomAvailability], { description: 'Active rooms with a free bed on every day from `from` to `to` (office and coordinators).' })
  housingAvailability(
    @Arg('from') from: string,
    @Arg('to') to: string,
    @Ctx() ctx: RequestContext,
    @Arg('residence', () => String, { nullable: true }) residence?: string,
  ): Promise<RoomAvailabilityView[]> {
    return housingAvailability(ctx, { from, to, residence });
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => HousingRoom, { description: 'A new room (office); a residence has each room code once (HOUSING_ROOM_EXISTS).' })
  createHousingRoom(@Arg('input') input: CreateHousingRoomInput, @Ctx() ctx: RequestContext): Promise<HousingRoom> {
    return createHousingRoom(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => HousingRoom, { description: 'Changes a room (office, version-checked).' })
  updateHousingRoom(@Arg('input') input: UpdateHousingRoomInput, @Ctx() ctx: RequestContext): Promise<HousingRoom> {
    return updateHousingRoom(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => HousingRoom, { description: 'The room takes no more guests (refused while assignments have not ended: ROOM_HAS_BOOKINGS).' })
  deactivateHousingRoom(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<HousingRoom> {
    return updateHousingRoom(ctx, { id, version, active: false });
  }

  @FieldResolver(() => ID)
  id(@Root() room: HousingRoom): string {
    return toGlobalId(HOUSING_ROOM_TYPE, room.id);
  }
}

@Resolver(() => HousingAssignment)
export class HousingAssignmentResolver {
  @Authorized(...OFFICE_ROLES)
  @Mutation(() => HousingAssignment, {
    description: 'A bed for an accepted or arrived guest (office): within the room’s availability, never beyond its beds on any day (ROOM_FULL), one bed per guest per day.',
  })
  assignHousing(@Arg('input') input: AssignHousingInput, @Ctx() ctx: RequestContext): Promise<HousingAssignment> {
    return assignHousing(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => HousingAssignment, { description: 'Frees the bed (office); the assignment stays as history.' })
  releaseHousing(@Arg('assignmentId', () => ID) assignmentId: string, @Ctx() ctx: RequestContext): Promise<HousingAssignment> {
    return releaseHousing(ctx, assignmentId);
  }

  @FieldResolver(() => ID)
  id(@Root() a: HousingAssignment): string {
    return toGlobalId(HOUSING_ASSIGNMENT_TYPE, a.id);
  }

  @FieldResolver(() => HousingRoom, { description: 'The residence, room and its beds.' })
  async room(@Root() a: HousingAssignment, @Ctx() ctx: RequestContext): Promise<HousingRoom> {
    return (await ctx.loader(housingRoomById).load(a.room.id))!;
  }

  @FieldResolver(() => Boolean, { description: 'Not released.' })
  active(@Root() a: HousingAssignment): boolean {
    return !a.releasedAt;
  }

  @FieldResolver(() => Int, { description: 'Nights, first and last day included.' })
  days(@Root() a: HousingAssignment): number {
    return daysInclusive(a.startsOn, a.endsOn);
  }

  @FieldResolver(() => IncomingMobility, { nullable: true, description: 'The guest’s mobility (null when you may not read it).' })
  guest(@Root() a: HousingAssignment, @Ctx() ctx: RequestContext): Promise<IncomingMobility | null> {
    return getIncoming(ctx, a.mobility.id);
  }
}

/** The stay fields of an incoming mobility (the intake side's fields are in intake.resolver.ts). */
@Resolver(() => IncomingMobility)
export class IncomingStayFieldsResolver {
  // --- Fields (the mobility reached the viewer through an access-checked query: host side or the guest) ---------------

  @FieldResolver(() => [HousingAssignment], { description: 'Beds assigned, released ones included (history), by first day.' })
  housing(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<HousingAssignment[]> {
    return ctx.loader(housingOfMobility).load(m.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Actual first day (YYYY-MM-DD).' })
  actualArrival(@Root() m: IncomingMobility): string | null {
    return m.actualArrival ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Actual last day (YYYY-MM-DD).' })
  actualDeparture(@Root() m: IncomingMobility): string | null {
    return m.actualDeparture ?? null;
  }

  @FieldResolver(() => IncomingOrientation, { nullable: true })
  orientationEvent(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<OrientationView | null> {
    return orientationOf(ctx, m);
  }

  @FieldResolver(() => IncomingBuddy, { nullable: true })
  buddy(@Root() m: IncomingMobility): IncomingBuddy | null {
    return m.buddyName && m.buddyEmail ? { name: m.buddyName, email: m.buddyEmail } : null;
  }

  @FieldResolver(() => IncomingResidencePermit, { nullable: true, description: 'Decided at the arrival; null before.' })
  residencePermit(@Root() m: IncomingMobility): PermitShape | null {
    return residencePermitView(m);
  }

  @FieldResolver(() => IncomingAttendance, { nullable: true, description: 'Once the departure is confirmed.' })
  attendance(@Root() m: IncomingMobility): IncomingAttendance | null {
    if (!m.attendanceConfirmedAt || !m.actualArrival || !m.actualDeparture) return null;
    return {
      arrival: m.actualArrival,
      departure: m.actualDeparture,
      days: daysInclusive(m.actualArrival, m.actualDeparture),
      confirmedAt: m.attendanceConfirmedAt,
      confirmedBy: m.attendanceConfirmedBy ?? null,
    };
  }

  @FieldResolver(() => IncomingTranscript, { nullable: true, description: 'Students: the host side always (a draft until issued), the guest once issued.' })
  transcript(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<TranscriptView | null> {
    return transcriptOf(ctx, m);
  }

  @FieldResolver(() => IncomingStaffVisit, { nullable: true, description: 'Staff visits (STA, STT) only.' })
  visit(@Root() m: IncomingMobility): StaffVisitView | null {
    return staffVisitView(m);
  }

  // --- Queries ----------------------------------------------------------------------------------------------------------

  @Authorized()
  @Query(() => IncomingTranscript, { nullable: true, description: 'The transcript of records (null when absent, not yours, not issued yet for the guest, or a staff visit).' })
  async incomingTranscript(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<TranscriptView | null> {
    const m = await getIncoming(ctx, fromGlobalId(id, INCOMING_TYPE, 'id'));
    return m ? transcriptOf(ctx, m) : null;
  }

  @Authorized()
  @Query(() => IncomingCertificateOfAttendance, { nullable: true, description: 'The certificate of attendance, once the departure is confirmed (host side and the guest).' })
  async incomingCertificateOfAttendance(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CertificateView | null> {
    const m = await getIncoming(ctx, fromGlobalId(id, INCOMING_TYPE, 'id'));
    return m ? certificateOf(ctx, m) : null;
  }

  @Authorized()
  @Query(() => IncomingDashboard, { description: 'Arrivals this week, beds free today, transcripts and residence permits due, guests by status (office: all; coordinators: their units).' })
  incomingDashboard(@Ctx() ctx: RequestContext, @Arg('academicYear', () => String, { nullable: true }) academicYear?: string): Promise<IncomingDashboardView> {
    return incomingDashboard(ctx, { academicYear });
  }

  // --- Mutations (host side: the office, or coordinators of the host unit) ---------------------------------------------

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'The guest arrived: ACCEPTED → ARRIVED; decides whether a residence permit is needed and by when.' })
  registerIncomingArrival(@Arg('input') input: RegisterIncomingArrivalInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return registerIncomingArrival(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'Links the orientation day (a content Event).' })
  setIncomingOrientation(@Arg('input') input: SetIncomingOrientationInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return setIncomingOrientation(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility)
  assignIncomingBuddy(@Arg('input') input: AssignIncomingBuddyInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return assignIncomingBuddy(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'The guest obtained the residence permit.' })
  recordResidencePermit(@Arg('input') input: RecordResidencePermitInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return recordResidencePermit(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingCourseRegistration, { description: 'Registers (CHOSEN → REGISTERED, or a catalogue course added) and drops courses of a student guest.' })
  async registerIncomingCourses(@Arg('input') input: RegisterIncomingCoursesInput, @Ctx() ctx: RequestContext): Promise<IncomingCourseRegistration> {
    return registerIncomingCourses(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'The host confirms the departure and the attendance: ARRIVED → DEPARTED.' })
  confirmIncomingDeparture(@Arg('input') input: ConfirmIncomingDepartureInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return confirmIncomingDeparture(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'Grades registered courses on the home scale, until the transcript is issued.' })
  gradeIncomingCourses(@Arg('input') input: GradeIncomingCoursesInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return gradeIncomingCourses(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'Issues the transcript of records (students; every registered course graded): DEPARTED → COMPLETED.' })
  issueIncomingTranscript(@Arg('input') input: IncomingVersionInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return issueIncomingTranscript(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'The issued transcript was sent to the sending institution.' })
  markIncomingTranscriptSent(@Arg('input') input: IncomingVersionInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return markIncomingTranscriptSent(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'The agreed programme of a staff visit (teaching visits below 8 hours per week are warned about in `visit`).' })
  setStaffVisitProgramme(@Arg('input') input: SetStaffVisitProgrammeInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return setStaffVisitProgramme(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'Completes a staff visit after its departure: DEPARTED → COMPLETED (the certificate of attendance).' })
  completeIncomingStaffVisit(@Arg('input') input: IncomingVersionInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return completeIncomingStaffVisit(ctx, input);
  }

  // --- Subscription -----------------------------------------------------------------------------------------------------

  @Subscription(() => IncomingReminder, {
    description: 'Residence-permit reminders as the daily job sends them: the office hears all, coordinators their units’, a guest their own; following a mobility you may not read is refused.',
    subscribe: ({ context, args }) => followIncomingReminders(context as RequestContext, args as { mobilityId?: string }),
  })
  incomingReminders(@Root() event: DeliveredEvent, @Arg('mobilityId', () => ID, { nullable: true }) _mobilityId?: string): IncomingReminderView {
    return incomingReminderView(event);
  }
}


// Rooms are not personal data, but the office's: node(id) shows them to the office and coordinators only.
registerNodeType(HOUSING_ROOM_TYPE, (ctx, id) => getHousingRoom(ctx, id));

export const receptionResolvers: Function[] = [HousingRoomResolver, HousingAssignmentResolver, IncomingStayFieldsResolver];
