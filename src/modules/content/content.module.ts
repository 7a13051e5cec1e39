import { registerPublicQueryField } from '../../platform/http/cache-control';
import type { MountRoutes } from '../../platform/http/routes';
import type { JobRunner } from '../../platform/jobs/job-runner';
import { registerNodeType } from '../../platform/graphql/node';
import {
  Announcement,
  ContentCategory,
  ContentDocument,
  ContentEvent,
  ContentItem,
  ContentRevision,
  ContentSlug,
  DocumentVersion,
  Page,
  PromotionalMaterial,
} from './content.entity';
import { CONTENT_RESOLVERS } from './content.resolver';
import { CONTENT_TYPE_NAMES, getContent, JOB_EXPIRE, JOB_GO_LIVE, runExpireJob, runGoLiveJob } from './content.service';
import { EventRegistration } from './event-registration.entity';
import { MediaAsset } from './media-asset.entity';
import { MediaAssetResolver } from './media.resolver';
import { mountMediaRoutes } from './media.routes';
import { mountFeedRoutes } from './feed.routes';
import { ParticipationRequest } from './participation-request.entity';
import { AnnouncementParticipationResolver, EventParticipationResolver, ParticipationRequestResolver } from './participation.resolver';
import { EventRegistrationFieldsResolver, EventRegistrationResolver } from './registration.resolver';

/** The content module's entities, resolvers, jobs and HTTP routes, as the module list wires them. */
export const contentEntities = [
  ContentItem,
  Announcement,
  ContentEvent,
  Page,
  ContentDocument,
  PromotionalMaterial,
  ContentSlug,
  ContentCategory,
  ContentRevision,
  DocumentVersion,
  MediaAsset,
  EventRegistration,
  ParticipationRequest,
];

export const contentResolvers: Function[] = [
  // content core
  ...CONTENT_RESOLVERS,
  // media
  MediaAssetResolver,
  // registrations and participation
  EventRegistrationResolver,
  EventRegistrationFieldsResolver,
  ParticipationRequestResolver,
  AnnouncementParticipationResolver,
  EventParticipationResolver,
];

export const mountContentRoutes: MountRoutes = (app, routes) => {
  // media routes
  mountMediaRoutes(app, routes);
  // feed routes
  mountFeedRoutes(app, routes);
};

// Root Query fields that serve only live content to anonymous visitors: their responses may be cached publicly.
registerPublicQueryField(
  'contents',
  'content',
  'contentBySlug',
  'page',
  'announcements',
  'events',
  'pages',
  'documents',
  'promotionalMaterials',
  'contentCategories',
);

export function registerContentJobs(jobs: JobRunner): void {
  // publishing schedule: one job per item at its publishAt and one at its unpublishAt, rows in the job table
  jobs.register(JOB_GO_LIVE, async (payload, job) => {
    if (await runGoLiveJob(job.em, payload.id as string)) job.log.info({ contentId: payload.id }, 'content went live');
  });
  jobs.register(JOB_EXPIRE, async (payload, job) => {
    if (await runExpireJob(job.em, payload.id as string)) job.log.info({ contentId: payload.id }, 'content archived at unpublishAt');
  });
}

// node(id) answers drafts only to the office, like every other read.
for (const name of Object.values(CONTENT_TYPE_NAMES)) registerNodeType(name, (ctx, id) => getContent(ctx, id));
