import { IsISO4217CurrencyCode, IsOptional, Length, Matches, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ParticipantRole, ParticipationStatus } from './participation-request.entity';

/** numeric(12,2), never negative; the service also caps it at 1e9. */
function IsAmount(): PropertyDecorator {
  return Matches(/^\d{1,10}(\.\d{1,2})?$/, {
    message: '$property must be a non-negative decimal with at most 2 decimals, as a string (e.g. "1250.00")',
  });
}

/** ISO 4217: three capitals, and a code that exists. */
function IsCurrency(): PropertyDecorator {
  return (target, key) => {
    Matches(/^[A-Z]{3}$/, { message: '$property must be an ISO 4217 code in capitals (e.g. EUR)' })(target, key);
    IsISO4217CurrencyCode({ message: '$property must be an ISO 4217 currency code (e.g. EUR)' })(target, key);
  };
}

@InputType({ description: 'A request to attend a conference or seminar organised by others.' })
export class RequestParticipationInput {
  @Field(() => ID, { description: 'A conference or seminar announcement, or an event a partner or someone else organises.' })
  contentId!: string;

  @Field(() => ParticipantRole)
  role!: ParticipantRole;

  @Field({ description: '1 to 200 characters.' })
  @Length(1, 200)
  requesterName!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  requesterEmail?: string | null;

  @Field({ description: 'Why you want to attend (1 to 2000 characters).' })
  @Length(1, 2000)
  purpose!: string;

  @Field(() => String, { nullable: true, description: 'Funding asked, a decimal string from 0 to 1000000000 (e.g. "1250.00").' })
  @IsOptional()
  @IsAmount()
  fundingRequested?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the funding asked; required with it.' })
  @IsOptional()
  @IsCurrency()
  fundingCurrency?: string | null;
}

@InputType({ description: 'The office’s decision on a pending participation request.' })
export class DecideParticipationRequestInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version you read.' })
  @Min(1)
  version!: number;

  @Field({ description: 'true: APPROVED; false: REJECTED.' })
  approve!: boolean;

  @Field(() => String, { nullable: true, description: 'Reason or conditions; the requester sees it.' })
  @IsOptional()
  @MaxLength(2000)
  note?: string | null;
}

@InputType()
export class ParticipationRequestFilter {
  @Field(() => ID, { nullable: true, description: 'Requests for this announcement or event only.' })
  @IsOptional()
  contentId?: string | null;

  @Field(() => [ParticipationStatus], { nullable: true })
  @IsOptional()
  statuses?: ParticipationStatus[] | null;
}
