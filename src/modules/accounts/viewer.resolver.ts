import { Ctx, Field, ID, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { ROLES, type Role } from '../../platform/auth/viewer';
import type { RequestContext } from '../../platform/graphql/context';
import { toGlobalId } from '../../platform/graphql/relay';
import { findAccount } from './account.service';

const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as Record<Role, Role>;
registerEnumType(RoleEnum, { name: 'Role', description: 'APPLICANT, COORDINATOR (unit-scoped), STAFF (the office), ADMIN.' });

@ObjectType({ description: 'Who the hub takes you for, from your token.' })
export class Me {
  @Field(() => String)
  subject!: string;

  @Field(() => [RoleEnum])
  roles!: Role[];

  @Field(() => [ID], { description: 'Organisational units you coordinate (global IDs).' })
  unitIds!: string[];

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;
}

@Resolver()
export class ViewerResolver {
  @Query(() => Me, { nullable: true, description: 'The signed-in viewer; null for anonymous visitors.' })
  async me(@Ctx() ctx: RequestContext): Promise<Me | null> {
    if (!ctx.viewer.subject) return null;
    const account = await findAccount(ctx, ctx.viewer.subject);
    return {
      subject: ctx.viewer.subject,
      roles: [...ctx.viewer.roles],
      unitIds: ctx.viewer.units.map((u) => toGlobalId('OrganisationalUnit', u)),
      displayName: account?.displayName ?? null,
      email: account?.email ?? null,
    };
  }
}
