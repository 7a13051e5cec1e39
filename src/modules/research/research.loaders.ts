import { byId, groupedBy } from '../../platform/graphql/entity-loaders';
import { ResearchCall, ResearchProject, ResearchSupportNote, ResearchSupportRequest } from './research.entity';

export const researchCallById = byId('researchCallById', ResearchCall);
export const researchSupportRequestById = byId('researchSupportRequestById', ResearchSupportRequest);
export const researchProjectById = byId('researchProjectById', ResearchProject);
export const researchSupportNotes = groupedBy('researchSupportNotes', ResearchSupportNote, 'request', { at: 'asc', id: 'asc' });
