import { IsEmail, IsOptional, IsUrl, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { LocalisedText } from '../../platform/graphql/localised-text';
import { OrderDirection } from '../../platform/graphql/relay';
import { UnitKind } from './organisational-unit.entity';

const CODE = /^[A-Z0-9][A-Z0-9-]{0,19}$/;
const CODE_MESSAGE = 'code must be 1-20 upper-case letters, digits or dashes (e.g. ENG-CENG)';

@InputType()
export class AddOrganisationalUnitInput {
  @Field(() => ID, { nullable: true, description: 'A partner institution; the home university when left out.' })
  @IsOptional()
  institutionId?: string;

  @Field(() => UnitKind)
  kind!: UnitKind;

  @Field()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => LocalisedText)
  @ValidateNested()
  name!: LocalisedText;

  @Field(() => ID, { nullable: true, description: 'The parent unit; none for a top-level unit.' })
  @IsOptional()
  parentId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'website must be an http(s) URL' })
  @MaxLength(500)
  website?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 4000)
  internalNote?: string;
}

@InputType({ description: 'Fields left out stay as they are; null clears an optional field.' })
export class UpdateOrganisationalUnitInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version you read; a newer one on the server means someone else changed it.' })
  @Min(1)
  version!: number;

  @Field(() => UnitKind, { nullable: true })
  @IsOptional()
  kind?: UnitKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(CODE, { message: CODE_MESSAGE })
  code?: string;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  name?: LocalisedText;

  @Field(() => ID, { nullable: true, description: 'Move below another unit.' })
  @IsOptional()
  parentId?: string;

  @Field(() => Boolean, { nullable: true, description: 'Make it a top-level unit.' })
  @IsOptional()
  moveToTop?: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'website must be an http(s) URL' })
  @MaxLength(500)
  website?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 4000)
  internalNote?: string | null;
}

export enum UnitOrderField {
  CODE = 'code',
  CREATED_AT = 'createdAt',
}
registerEnumType(UnitOrderField, { name: 'UnitOrderField' });

@InputType()
export class UnitOrder {
  @Field(() => UnitOrderField)
  field!: UnitOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction: OrderDirection = OrderDirection.ASC;
}

@InputType()
export class UnitFilter {
  @Field(() => [UnitKind], { nullable: true })
  @IsOptional()
  kinds?: UnitKind[];

  @Field(() => ID, { nullable: true, description: 'Only the direct sub-units of this unit.' })
  @IsOptional()
  parentId?: string;

  @Field(() => Boolean, { nullable: true, description: 'Only top-level units.' })
  @IsOptional()
  topLevel?: boolean;

  @Field(() => String, { nullable: true, description: 'Part of the code or of the name in any language.' })
  @IsOptional()
  @Length(1, 100)
  search?: string;
}
