import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { registerNodeType } from '../../platform/graphql/node';
import { ConnectionArgs, ConnectionType, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { Announcement, ContentEvent, ContentItem } from './content.entity';
import { ParticipationRequest } from './participation-request.entity';
import { DecideParticipationRequestInput, ParticipationRequestFilter, RequestParticipationInput } from './participation.inputs';
import {
  approvedParticipants,
  contentOfRequest,
  decideParticipationRequest,
  getParticipationRequest,
  listParticipationRequests,
  myParticipationRequests,
  PARTICIPATION_TYPE,
  participationRequestCount,
  requestParticipation,
  withdrawParticipationRequest,
} from './participation.service';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


const ParticipationRequestConnection = ConnectionType(ParticipationRequest, 'ParticipationRequest');

@Resolver(() => ParticipationRequest)
export class ParticipationRequestResolver {
  @Authorized()
  @Mutation(() => ParticipationRequest, {
    description:
      'Signed-in users: ask to attend a live conference or seminar announcement, or an event a partner or someone else organises. ' +
      'One open (pending or approved) request per person and item.',
  })
  requestParticipation(@Arg('input') input: RequestParticipationInput, @Ctx() ctx: RequestContext): Promise<ParticipationRequest> {
    return requestParticipation(ctx, input);
  }

  @Authorized()
  @Mutation(() => ParticipationRequest, { description: 'The requester: withdraw a pending or approved request.' })
  withdrawParticipationRequest(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ParticipationRequest> {
    return withdrawParticipationRequest(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ParticipationRequest, { description: 'Office: approve or reject a pending request, with a note the requester sees.' })
  decideParticipationRequest(@Arg('input') input: DecideParticipationRequestInput, @Ctx() ctx: RequestContext): Promise<ParticipationRequest> {
    return decideParticipationRequest(ctx, input);
  }

  @Authorized()
  @Query(() => ParticipationRequestConnection, { description: 'Your own participation requests, newest first, with the office’s decisions.' })
  myParticipationRequests(@Ctx() ctx: RequestContext, @Args() page: ConnectionArgs): Promise<ConnectionShape<ParticipationRequest>> {
    return myParticipationRequests(ctx, page);
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => ParticipationRequestConnection, { description: 'Office: participation requests, newest first.' })
  participationRequests(
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('filter', () => ParticipationRequestFilter, { nullable: true }) filter?: ParticipationRequestFilter,
  ): Promise<ConnectionShape<ParticipationRequest>> {
    return listParticipationRequests(ctx, filter, page);
  }

  @FieldResolver(() => ID)
  id(@Root() request: ParticipationRequest): string {
    return toGlobalId(PARTICIPATION_TYPE, request.id);
  }

  @FieldResolver(() => ContentItem, { nullable: true, description: 'The conference or seminar; null when it is no longer on the website (outside the office).' })
  content(@Root() request: ParticipationRequest, @Ctx() ctx: RequestContext): Promise<ContentItem | null> {
    return contentOfRequest(ctx, request);
  }
}

/** Office fields on conference and seminar announcements and on events. */
function participationFields(of: typeof Announcement | typeof ContentEvent) {
  @Resolver(() => of)
  class ParticipationFieldsResolver {
    @Authorized(...OFFICE_ROLES)
    @FieldResolver(() => [ParticipationRequest], { description: 'Office: the approved participation requests, in order of decision.' })
    approvedParticipants(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<ParticipationRequest[]> {
      return approvedParticipants(ctx, item);
    }

    @Authorized(...OFFICE_ROLES)
    @FieldResolver(() => Int, { description: 'Office: participation requests for it, in any status.' })
    participationRequestCount(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<number> {
      return participationRequestCount(ctx, item);
    }
  }
  return ParticipationFieldsResolver;
}

export const AnnouncementParticipationResolver = participationFields(Announcement);
export const EventParticipationResolver = participationFields(ContentEvent);

// Requests are seen by the office and by their requester: node(id) answers null for anyone else.
registerNodeType(PARTICIPATION_TYPE, (ctx, id) => getParticipationRequest(ctx, id));
