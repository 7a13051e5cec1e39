import { ArrayMaxSize, IsEmail, IsOptional, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { HousingKind } from './incoming-mobility.entity';

// Dates are YYYY-MM-DD strings, checked by the services (INVALID_DATE naming the field, START_AFTER_END).

@InputType({ description: 'A room (or flat) guests can be placed in.' })
export class CreateHousingRoomInput {
  @Field({ description: 'The dormitory or housing, e.g. "Güzelyurt Yurdu".' })
  @Length(1, 200)
  residence!: string;

  @Field(() => HousingKind)
  kind!: HousingKind;

  @Field({ description: 'Room code within the residence.' })
  @Length(1, 50)
  code!: string;

  @Field(() => Int, { description: 'Beds.' })
  @Min(1)
  @Max(50)
  capacity!: number;

  @Field(() => String, { nullable: true, description: 'First day the room takes guests (YYYY-MM-DD); none: any day.' })
  @IsOptional()
  @Length(1, 30)
  availableFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'Last day the room takes guests; none: open-ended.' })
  @IsOptional()
  @Length(1, 30)
  availableUntil?: string | null;
}

@InputType({ description: 'Changes to a room: only the fields given change (null clears an availability date).' })
export class UpdateHousingRoomInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  residence?: string | null;

  @Field(() => HousingKind, { nullable: true })
  @IsOptional()
  kind?: HousingKind | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 50)
  code?: string | null;

  @Field(() => Int, { nullable: true, description: 'Not fewer than the beds booked on any day from today (CAPACITY_BELOW_BOOKINGS).' })
  @IsOptional()
  @Min(1)
  @Max(50)
  capacity?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 30)
  availableFrom?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 30)
  availableUntil?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false deactivates (refused while assignments have not ended), true reactivates.' })
  @IsOptional()
  active?: boolean | null;
}

@InputType({ description: 'A bed of a room for a guest, first and last night included.' })
export class AssignHousingInput {
  @Field(() => ID, { description: 'The incoming mobility.' })
  mobilityId!: string;

  @Field(() => ID)
  roomId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @Length(1, 30)
  startsOn!: string;

  @Field({ description: 'YYYY-MM-DD, not before startsOn.' })
  @Length(1, 30)
  endsOn!: string;
}

@InputType()
export class RegisterIncomingArrivalInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'The actual first day (YYYY-MM-DD), not in the future.' })
  @Length(1, 30)
  arrivedOn!: string;
}

@InputType()
export class SetIncomingOrientationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => ID, { nullable: true, description: 'An Event of the website content; null unlinks.' })
  @IsOptional()
  eventId?: string | null;
}

@InputType()
export class AssignIncomingBuddyInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'The local student who helps the guest settle in.' })
  @Length(1, 200)
  name!: string;

  @Field()
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

@InputType()
export class RecordResidencePermitInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'The day the residence permit was obtained (YYYY-MM-DD), not in the future.' })
  @Length(1, 30)
  obtainedOn!: string;
}

@InputType({ description: 'Course registration: chosen (or dropped) courses to register, and courses to drop. A course of the catalogue not chosen before may be added.' })
export class RegisterIncomingCoursesInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => [ID], { defaultValue: [], description: 'HomeCourse ids.' })
  @ArrayMaxSize(30)
  register!: string[];

  @Field(() => [ID], { defaultValue: [], description: 'HomeCourse ids.' })
  @ArrayMaxSize(30)
  drop!: string[];
}

@InputType()
export class ConfirmIncomingDepartureInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'The actual last day (YYYY-MM-DD), not before the arrival, not in the future.' })
  @Length(1, 30)
  departedOn!: string;
}

@InputType()
export class IncomingCourseGradeInput {
  @Field(() => ID, { description: 'A registered HomeCourse.' })
  courseId!: string;

  @Field({ description: 'A grade of the home scale: AA, BA, BB, CB, CC, DC, DD (passed), FD, FF (failed).' })
  @Length(1, 5)
  grade!: string;
}

@InputType()
export class GradeIncomingCoursesInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => [IncomingCourseGradeInput])
  @ValidateNested({ each: true })
  @ArrayMaxSize(30)
  grades!: IncomingCourseGradeInput[];
}

@InputType({ description: 'A versioned step on an incoming mobility.' })
export class IncomingVersionInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;
}

@InputType()
export class SetStaffVisitProgrammeInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'The agreed teaching or training programme.' })
  @Length(1, 5000)
  programme!: string;

  @Field(() => Float, { nullable: true, description: 'Teaching hours of the visit (teaching staff: at least 8 per week; warned, not refused).' })
  @IsOptional()
  @Min(0)
  @Max(500)
  teachingHours?: number | null;
}
