import DataLoader from 'dataloader';
import { defineLoader } from '../../platform/graphql/context';
import { byId, groupedBy } from '../../platform/graphql/entity-loaders';
import { AdmissionApplication, AdmissionCall, AdmissionExam, AdmissionStatusChange } from './admission.entity';

export const admissionCallById = byId('admissionCallById', AdmissionCall);
export const admissionApplicationById = byId('admissionApplicationById', AdmissionApplication);
export const admissionExamById = byId('admissionExamById', AdmissionExam);
export const admissionHistory = groupedBy('admissionHistory', AdmissionStatusChange, 'application', { at: 'asc', id: 'asc' });

/** Exams by code, one query per batch. */
export const admissionExamByCode = defineLoader('admissionExamByCode', (ctx) =>
  new DataLoader<string, AdmissionExam | null>(async (codes) => {
    const rows = await ctx.em.find(AdmissionExam, { code: { $in: [...codes] } });
    const map = new Map(rows.map((r) => [r.code, r]));
    return codes.map((c) => map.get(c) ?? null);
  }),
);
