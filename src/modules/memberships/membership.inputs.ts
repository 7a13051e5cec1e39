import {
  ArrayMaxSize,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCurrency, IsMoneyAmount } from '../../platform/graphql/validators';
import { Field, ID, InputType, Int } from 'type-graphql';
import { CorrespondenceDirection, MembershipStatus } from './membership.entity';
import { IsDay } from '../../platform/graphql/validators';

@InputType({ description: 'An association or network not yet in the directory: it is added as an institution of kind ASSOCIATION.' })
export class NewAssociationInput {
  @Field()
  @Length(2, 300)
  officialName!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country of its seat (e.g. BE for EUA, NL for EAIE).' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code in capitals (e.g. BE)' })
  country!: string;

  @Field(() => String, { nullable: true, description: 'With or without scheme; stored as a URL.' })
  @IsOptional()
  @Length(4, 500)
  website?: string;
}

@InputType({ description: 'A membership of an association: either associationId or association.' })
export class AddAssociationMembershipInput {
  @Field(() => ID, { nullable: true, description: 'An institution of the directory whose kind is ASSOCIATION.' })
  @IsOptional()
  associationId?: string;

  @Field(() => NewAssociationInput, { nullable: true, description: 'Add the association to the directory first.' })
  @IsOptional()
  @ValidateNested()
  association?: NewAssociationInput;

  @Field(() => MembershipStatus, { nullable: true, description: 'APPLIED (default), ACTIVE or LAPSED for a membership recorded late.' })
  @IsOptional()
  status?: MembershipStatus;

  @Field(() => String, { nullable: true, description: 'Decimal string, e.g. "4250.00".' })
  @IsOptional()
  @IsMoneyAmount()
  annualFee?: string;

  @Field(() => String, { nullable: true, description: 'ISO 4217, e.g. EUR.' })
  @IsOptional()
  @IsCurrency()
  feeCurrency?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsDay()
  memberSince?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsDay()
  renewalDate?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsDay()
  infoUpdateDueOn?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  responsibleContact?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 4000)
  notes?: string;
}

@InputType({ description: 'Fields left out stay as they are; null clears an optional field.' })
export class UpdateAssociationMembershipInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version you read; a newer one on the server means someone else changed it.' })
  @Min(1)
  version!: number;

  @Field(() => MembershipStatus, {
    nullable: true,
    description: 'APPLIED → ACTIVE or CANCELLED; ACTIVE → LAPSED or CANCELLED; LAPSED → ACTIVE or CANCELLED; CANCELLED is final.',
  })
  @IsOptional()
  status?: MembershipStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsMoneyAmount()
  annualFee?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsCurrency()
  feeCurrency?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsDay()
  memberSince?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsDay()
  renewalDate?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsDay()
  infoUpdateDueOn?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  responsibleContact?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 4000)
  notes?: string | null;
}

@InputType({ description: 'One letter or e-mail exchanged with the association.' })
export class MembershipCorrespondenceInput {
  @Field({ description: 'YYYY-MM-DD' })
  @IsDay()
  date!: string;

  @Field(() => CorrespondenceDirection)
  direction!: CorrespondenceDirection;

  @Field()
  @Length(1, 300)
  subject!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20000)
  body?: string;

  @Field(() => [String], { nullable: true, description: 'References to attached files (document IDs, URLs), at most 20.' })
  @IsOptional()
  @ArrayMaxSize(20, { message: 'attachments may hold at most 20 references' })
  @IsString({ each: true })
  @Length(1, 500, { each: true, message: 'each attachment reference must be 1 to 500 characters' })
  attachments?: string[];
}

@InputType()
export class AssociationMembershipFilter {
  @Field(() => [MembershipStatus], { nullable: true })
  @IsOptional()
  statuses?: MembershipStatus[];

  @Field(() => Int, { nullable: true, description: 'Only those to renew within this many days from today, overdue ones included.' })
  @IsOptional()
  @Min(0)
  @Max(3650)
  renewalWithinDays?: number;

  @Field(() => Int, { nullable: true, description: 'Only those whose information update is due within this many days, overdue ones included.' })
  @IsOptional()
  @Min(0)
  @Max(3650)
  infoUpdateDueWithinDays?: number;
}
