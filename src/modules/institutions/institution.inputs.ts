import { ArrayMaxSize, IsEmail, IsISO8601, IsOptional, IsUrl, Length, Matches, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { LocalisedText } from '../../platform/graphql/localised-text';
import { OrderDirection } from '../../platform/graphql/relay';
import { ContactRole } from './contact-person.entity';
import { InstitutionKind } from './institution.entity';


@InputType({ description: 'Fields left out stay as they are; null clears an optional field.' })
export class UpdateHomeInstitutionInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  name?: LocalisedText;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 20)
  abbreviation?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  city?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'website must be an http(s) URL' })
  website?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[a-z0-9.-]+\.[a-z]{2,}$/, { message: 'schacCode must be a lower-case domain (e.g. ankara.edu.tr)' })
  schacCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^([A-Z] {2}|[A-Z]{2} |[A-Z]{3})[A-Z-]{1,9}[0-9]{1,3}$/, {
    message: 'erasmusCode must be canonical: country prefix padded to 3 characters, city, 2 digits (e.g. "TR ANKARA01")',
  })
  erasmusCode?: string | null;
}

const PIC = /^\d{9}$/;
const OID = /^E\d{8}$/;
const SCHAC = /^[a-z0-9.-]+\.[a-z]{2,}$/;
const COUNTRY = /^[A-Z]{2}$/;

@InputType({ description: 'A new institution of the directory (a partner, company, association, ...).' })
export class CreateInstitutionInput {
  @Field()
  @Length(2, 300)
  officialName!: string;

  @Field(() => LocalisedText, { nullable: true, description: 'Display names; the official name is used where missing.' })
  @IsOptional()
  @ValidateNested()
  name?: LocalisedText;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 300, { each: true })
  otherNames?: string[];

  @Field(() => InstitutionKind, { nullable: true, description: 'Default HEI for a new institution.' })
  @IsOptional()
  kind?: InstitutionKind;

  @Field({ description: 'ISO 3166-1 alpha-2.' })
  @Matches(COUNTRY, { message: 'country must be an ISO 3166-1 alpha-2 code in capitals (e.g. DE)' })
  country!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  city?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  street?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 20)
  postCode?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 20)
  abbreviation?: string;

  @Field(() => String, { nullable: true, description: 'With or without scheme; stored as a URL.' })
  @IsOptional()
  @Length(4, 500)
  website?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(SCHAC, { each: true, message: 'emailDomains must be lower-case domains' })
  emailDomains?: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['https', 'http'] }, { message: 'logoUrl must be an http(s) URL' })
  logoUrl?: string;

  @Field(() => String, { nullable: true, description: 'Any spelling (`D BERLIN01`, `dberlin01`); stored canonical.' })
  @IsOptional()
  @Length(4, 20)
  erasmusCode?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SCHAC, { message: 'schacCode must be a lower-case domain (e.g. fu-berlin.de)' })
  schacCode?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PIC, { message: 'pic must be 9 digits' })
  pic?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(OID, { message: 'oid must be E followed by 8 digits' })
  oid?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'echeStart must be a date (YYYY-MM-DD)' })
  echeStart?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'echeEnd must be a date (YYYY-MM-DD)' })
  echeEnd?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 4000)
  internalNote?: string;
}

@InputType({ description: 'Fields left out stay as they are; null clears an optional field.' })
export class UpdateInstitutionInput extends CreateInstitutionInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Min(1)
  version!: number;

  @Field({ nullable: true })
  @IsOptional()
  @Length(2, 300)
  declare officialName: string;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(COUNTRY, { message: 'country must be an ISO 3166-1 alpha-2 code in capitals (e.g. DE)' })
  declare country: string;
}

@InputType()
export class InstitutionFilter {
  @Field(() => String, { nullable: true, description: 'Any name, spelling, code or domain; typo-tolerant.' })
  @IsOptional()
  @Length(1, 100)
  search?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(COUNTRY, { each: true, message: 'countries must be ISO 3166-1 alpha-2 codes' })
  countries?: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  city?: string;

  @Field(() => [InstitutionKind], { nullable: true })
  @IsOptional()
  kinds?: InstitutionKind[];

  @Field(() => Boolean, { nullable: true, description: 'Only institutions with (or without) an Erasmus code.' })
  @IsOptional()
  hasErasmusCode?: boolean;
}

export enum InstitutionOrderField {
  NAME = 'officialName',
  COUNTRY = 'country',
  CREATED_AT = 'createdAt',
}
registerEnumType(InstitutionOrderField, { name: 'InstitutionOrderField' });

@InputType()
export class InstitutionOrder {
  @Field(() => InstitutionOrderField)
  field!: InstitutionOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction: OrderDirection = OrderDirection.ASC;
}

@InputType()
export class ContactPersonInput {
  @Field(() => ID, { description: 'The institution (for a new contact).', nullable: true })
  @IsOptional()
  institutionId?: string;

  @Field(() => ID, { nullable: true, description: 'A unit of that institution.' })
  @IsOptional()
  unitId?: string;

  @Field(() => ContactRole, { nullable: true })
  @IsOptional()
  role?: ContactRole;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 200)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\+?[0-9 ()./-]{5,30}$/, { message: 'phone must be a phone number (digits, spaces, + ( ) - . /)' })
  phone?: string;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  staffOnly?: boolean;
}
