import { DomainError } from '../../platform/errors/domain-error';

/**
 * Error codes of reception and follow-up of incoming guests (housing, arrival, stay, departure, transcripts, staff
 * visits), sent as `extensions.reason`; `extensions.code` is the GraphQL class.
 */
export const ReceptionErrors = {
  invalidDate: (field: string, value: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_DATE', `${field} must be a calendar date written YYYY-MM-DD (got "${value}")`, { field }),
  startAfterEnd: (field: string, start: string, end: string) =>
    new DomainError('BAD_USER_INPUT', 'START_AFTER_END', `The first day (${start}) is after the last day (${end})`, { field, start, end }),
  dateInFuture: (field: string, value: string, today: string) =>
    new DomainError('BAD_USER_INPUT', 'DATE_IN_FUTURE', `${field} (${value}) is after today (${today}): record what has happened`, { field, today }),
  rangeTooLong: (field: string, days: number, max: number) =>
    new DomainError('BAD_USER_INPUT', 'RANGE_TOO_LONG', `The range is ${days} days; at most ${max}`, { field, max }),
  notInState: (what: string, status: string, allowed: readonly string[]) =>
    new DomainError('CONFLICT', 'NOT_IN_STATE', `${what} is done while the mobility is ${allowed.join(' or ')} (now ${status})`, {
      field: 'id',
      status,
      allowed: [...allowed],
    }),
  // Housing
  roomExists: (residence: string, code: string) =>
    new DomainError('CONFLICT', 'HOUSING_ROOM_EXISTS', `${residence} already has a room ${code}`, { field: 'code', residence, roomCode: code }),
  roomInactive: () => new DomainError('CONFLICT', 'ROOM_INACTIVE', 'The room is deactivated: it takes no new guests', { field: 'roomId' }),
  outsideAvailability: (from: string | null, until: string | null) =>
    new DomainError(
      'BAD_USER_INPUT',
      'OUTSIDE_AVAILABILITY',
      `The room is available ${from ?? 'from any day'} ${until ? `to ${until}` : 'onwards'}: the dates fall outside`,
      { field: 'startsOn', availableFrom: from, availableUntil: until },
    ),
  roomFull: (day: string, capacity: number) =>
    new DomainError('CONFLICT', 'ROOM_FULL', `Every bed of the room (${capacity}) is taken on ${day}`, { field: 'roomId', day, capacity }),
  guestAlreadyHoused: (assignmentId: string, startsOn: string, endsOn: string) =>
    new DomainError('CONFLICT', 'GUEST_ALREADY_HOUSED', `The guest already has a bed from ${startsOn} to ${endsOn}, overlapping these dates`, {
      field: 'startsOn',
      assignmentId,
      startsOn,
      endsOn,
    }),
  alreadyReleased: () => new DomainError('CONFLICT', 'ALREADY_RELEASED', 'The assignment was released already', { field: 'assignmentId' }),
  capacityBelowBookings: (capacity: number, booked: number, day: string) =>
    new DomainError('CONFLICT', 'CAPACITY_BELOW_BOOKINGS', `${booked} beds are booked on ${day}: the room cannot have fewer (${capacity})`, {
      field: 'capacity',
      booked,
      day,
    }),
  bookingsOutsideAvailability: (count: number) =>
    new DomainError('CONFLICT', 'BOOKINGS_OUTSIDE_AVAILABILITY', `${count} active assignment(s) would fall outside the new availability: release or move them first`, {
      field: 'availableFrom',
      count,
    }),
  roomHasBookings: (count: number) =>
    new DomainError('CONFLICT', 'ROOM_HAS_BOOKINGS', `${count} active assignment(s) have not ended: release them before deactivating the room`, {
      field: 'active',
      count,
    }),
  // Reception
  notAnEvent: (field: string) => new DomainError('BAD_USER_INPUT', 'NOT_AN_EVENT', 'The orientation must be an event of the website content', { field }),
  eventNotFound: (field: string) => new DomainError('NOT_FOUND', 'EVENT_NOT_FOUND', 'No such event', { field }),
  // Courses
  duplicateCourse: (field: string, courseId: string) =>
    new DomainError('BAD_USER_INPUT', 'DUPLICATE_COURSE', 'A course is named twice', { field, courseId }),
  unknownCourse: (field: string, courseId: string) =>
    new DomainError('BAD_USER_INPUT', 'UNKNOWN_COURSE', 'No such course in the home catalogue', { field, courseId }),
  courseInactive: (field: string, code: string) =>
    new DomainError('BAD_USER_INPUT', 'COURSE_INACTIVE', `${code} is no longer in the catalogue`, { field, courseCode: code }),
  courseNotChosen: (field: string, code: string) =>
    new DomainError('BAD_USER_INPUT', 'COURSE_NOT_CHOSEN', `${code} is not a course of this guest`, { field, courseCode: code }),
  courseGraded: (field: string, code: string) =>
    new DomainError('CONFLICT', 'COURSE_GRADED', `${code} is graded: it can no longer be dropped`, { field, courseCode: code }),
  notAStudentMobility: (mobilityType: string) =>
    new DomainError('CONFLICT', 'NOT_A_STUDENT_MOBILITY', `A ${mobilityType} staff visit has no courses or transcript of records: complete it with completeIncomingStaffVisit`, {
      field: 'id',
      mobilityType,
    }),
  notAStaffVisit: (mobilityType: string) =>
    new DomainError('CONFLICT', 'NOT_A_STAFF_VISIT', `A ${mobilityType} mobility is a student’s: it is completed with its transcript of records`, {
      field: 'id',
      mobilityType,
    }),
  // Departure and transcripts
  noArrival: () => new DomainError('CONFLICT', 'NO_ARRIVAL', 'The arrival has not been registered', { field: 'id' }),
  courseNotRegistered: (field: string, code: string) =>
    new DomainError('BAD_USER_INPUT', 'COURSE_NOT_REGISTERED', `${code} is not a registered course of this guest`, { field, courseCode: code }),
  unknownGrade: (field: string, grade: string, known: readonly string[]) =>
    new DomainError('BAD_USER_INPUT', 'UNKNOWN_GRADE', `${grade} is not a grade of the home scale (${known.join(', ')})`, { field, grade, known: [...known] }),
  gradingClosed: () => new DomainError('CONFLICT', 'GRADING_CLOSED', 'The transcript of records is issued: grades can no longer change', { field: 'id' }),
  noRegisteredCourses: () => new DomainError('CONFLICT', 'NO_REGISTERED_COURSES', 'The guest has no registered course: there is nothing to put on a transcript', { field: 'id' }),
  transcriptIncomplete: (missing: string[]) =>
    new DomainError('CONFLICT', 'TRANSCRIPT_INCOMPLETE', `Grade every registered course first (missing: ${missing.join(', ')})`, { field: 'id', missing }),
  transcriptNotIssued: () => new DomainError('CONFLICT', 'TRANSCRIPT_NOT_ISSUED', 'The transcript of records has not been issued', { field: 'id' }),
  transcriptAlreadySent: (at: Date) =>
    new DomainError('CONFLICT', 'TRANSCRIPT_ALREADY_SENT', `The transcript was sent to the sending institution on ${at.toISOString()}`, { field: 'id' }),
  programmeRequired: () =>
    new DomainError('CONFLICT', 'PROGRAMME_REQUIRED', 'Record the agreed teaching or training programme first (setStaffVisitProgramme)', { field: 'id' }),
};
