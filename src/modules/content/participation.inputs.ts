import { IsOptional, Length, MaxLength, Min } from 'class-validator';
import { IsCurrency, IsMoneyAmount } from '../../platform/graphql/validators';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ParticipantRole, ParticipationStatus } from './participation-request.entity';

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
  @IsMoneyAmount()
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
