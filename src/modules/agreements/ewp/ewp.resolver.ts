import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, Field, FieldResolver, Mutation, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import { defineLoader, type RequestContext } from '../../../platform/graphql/context';
import { Institution } from '../../institutions/institution.entity';
import { Agreement } from '../agreement.entity';
import { buildIiaExport, type IiaExport } from './iia-xml';
import { importIiaXml, type IiaImportResult } from './iia-import';
import { OFFICE_ROLES } from '../../../platform/auth/viewer';


/** One export per agreement and operation, shared by `ewpXml` and `ewpIiaHash` (errors included). */
const ewpExportByAgreement = defineLoader('ewpExportByAgreement', (ctx) =>
  new DataLoader<string, IiaExport>(async (ids) => {
    const out: (IiaExport | Error)[] = [];
    for (const id of ids) out.push(await buildIiaExport(ctx.em, id).catch((e: Error) => e));
    return out;
  }),
);

enum EwpInstitutionOutcome {
  EXISTING = 'EXISTING',
  LINKED = 'LINKED',
  CREATED = 'CREATED',
}
registerEnumType(EwpInstitutionOutcome, {
  name: 'EwpInstitutionOutcome',
  description: 'EXISTING: found by its SCHAC code; LINKED: found by its domain and given the SCHAC code; CREATED: added to the directory.',
});

@ObjectType({ description: 'One field of the agreement the import changed; values as JSON.' })
class EwpIiaChange {
  @Field({ description: 'Field path, e.g. "status" or "conditions.0.mobilitiesPerYear".' })
  path!: string;

  @Field(() => String, { nullable: true })
  from!: string | null;

  @Field(() => String, { nullable: true })
  to!: string | null;
}

@ObjectType({ description: 'A partner of the imported IIA and the directory institution it was matched to.' })
class EwpIiaInstitution {
  @Field({ description: 'The hei-id (SCHAC code) in the document.' })
  heiId!: string;

  @Field(() => EwpInstitutionOutcome)
  outcome!: EwpInstitutionOutcome;

  @Field(() => Institution)
  institution!: Institution;
}

@ObjectType({ description: 'What importing an EWP IIA did.' })
class EwpIiaImportResult {
  @Field(() => Agreement)
  agreement!: Agreement;

  @Field({ description: 'True when a new agreement was created; false when an existing one was found (and updated if it differed).' })
  created!: boolean;

  @Field(() => [EwpIiaChange], { description: 'The agreement fields the import changed (none when the document held nothing new).' })
  changes!: EwpIiaChange[];

  @Field(() => [EwpIiaInstitution])
  institutions!: EwpIiaInstitution[];

  @Field(() => [String], { description: 'Things to check: units not found, institutions added, a stated iia-hash that does not match.' })
  warnings!: string[];

  @Field({ description: 'The iia-hash the document states.' })
  statedIiaHash!: string;

  @Field({ description: 'The iia-hash of the document content by the EWP v7 rules.' })
  iiaHash!: string;
}

const asJson = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

function view(result: IiaImportResult): EwpIiaImportResult {
  return {
    agreement: result.agreement,
    created: result.created,
    changes: result.changes.map((c) => ({ path: c.path, from: asJson(c.from), to: asJson(c.to) })),
    institutions: result.institutions.map((i) => ({ heiId: i.heiId, outcome: i.outcome as EwpInstitutionOutcome, institution: i.institution })),
    warnings: result.warnings,
    statedIiaHash: result.statedHash,
    iiaHash: result.computedHash,
  };
}

/** Erasmus Without Paper: agreements as IIA v7 documents, and partners' IIAs into agreements. */
@Resolver(() => Agreement)
export class EwpAgreementResolver {
  @Authorized(...OFFICE_ROLES)
  @FieldResolver(() => String, {
    nullable: true,
    complexity: 10,
    description:
      'Office: the agreement as an EWP IIAs API v7 get-response document (valid against iias-get-response.xsd), with its iia-hash. Errors EWP_MISSING_HEI_ID and EWP_NOT_EXPORTABLE say what is missing.',
  })
  async ewpXml(@Root() agreement: Agreement, @Ctx() ctx: RequestContext): Promise<string> {
    return (await ctx.loader(ewpExportByAgreement).load(agreement.id)).xml;
  }

  @Authorized(...OFFICE_ROLES)
  @FieldResolver(() => String, { nullable: true, complexity: 10, description: 'Office: the EWP v7 iia-hash of `ewpXml` (SHA-256, hex).' })
  async ewpIiaHash(@Root() agreement: Agreement, @Ctx() ctx: RequestContext): Promise<string> {
    return (await ctx.loader(ewpExportByAgreement).load(agreement.id)).hash;
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => EwpIiaImportResult, {
    description:
      "Office: import a partner's IIA (an EWP IIAs API v7 get-response document with one iia) into an agreement, creating or updating it. Invalid documents: BAD_USER_INPUT / EWP_INVALID_XML with the validator's messages and lines.",
  })
  async importEwpIia(@Arg('xml') xml: string, @Ctx() ctx: RequestContext): Promise<EwpIiaImportResult> {
    return view(await importIiaXml((fn) => ctx.transaction(fn), xml));
  }
}
