import type { NonEmptyArray } from 'type-graphql';
import type { MountRoutes } from '../../platform/http/routes';
import type { JobRunner } from '../../platform/jobs/job-runner';
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
import { EventRegistration } from './event-registration.entity';
import { MediaAsset } from './media-asset.entity';
import { ParticipationRequest } from './participation-request.entity';

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
  // media
  // registrations and participation
];

export const mountContentRoutes: MountRoutes = (_app, _routes) => {
  // media routes
  // feed routes
};

export function registerContentJobs(_jobs: JobRunner): void {
  // publishing schedule
}
