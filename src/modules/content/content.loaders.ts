import { sqlArray } from '../../platform/db/sql-array';
import DataLoader from 'dataloader';
import { defineLoader } from '../../platform/graphql/context';
import { ContentCategory, ContentItem, DocumentVersion } from './content.entity';

/** Content items by uuid, in one query per operation tick. */
export const contentById = defineLoader(
  'content.byId',
  (ctx) =>
    new DataLoader<string, ContentItem | null>(async (ids) => {
      const rows = await ctx.em.find(ContentItem, { id: { $in: [...ids] } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
);

export const categoryById = defineLoader(
  'content.categoryById',
  (ctx) =>
    new DataLoader<string, ContentCategory | null>(async (ids) => {
      const rows = await ctx.em.find(ContentCategory, { id: { $in: [...ids] } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
);

/** Sub-pages of each page, in order. */
export const pagesByParent = defineLoader(
  'content.pagesByParent',
  (ctx) =>
    new DataLoader<string, ContentItem[]>(async (parentIds) => {
      const rows = await ctx.em.find(ContentItem, { parent: { $in: [...parentIds] } }, { orderBy: { position: 'asc', id: 'asc' } });
      return parentIds.map((id) => rows.filter((r) => r.parent?.id === id));
    }),
);

/** Every version of each document, newest first. */
export const versionsByDocument = defineLoader(
  'content.versionsByDocument',
  (ctx) =>
    new DataLoader<string, DocumentVersion[]>(async (documentIds) => {
      const rows = await ctx.em.find(DocumentVersion, { document: { $in: [...documentIds] } }, { orderBy: { number: 'desc' } });
      return documentIds.map((id) => rows.filter((r) => r.document.id === id));
    }),
);

/** Each item's path per locale (pages: the full path; others: the slug). */
export const pathsByContent = defineLoader(
  'content.pathsByContent',
  (ctx) =>
    new DataLoader<string, Record<string, string>>(async (ids) => {
      const rows = await ctx.em.execute<{ content_id: string; locale: string; path: string }[]>(
        `select content_id, locale, path from content_slug where content_id = any(?::uuid[])`,
        [sqlArray(ids)],
      );
      return ids.map((id) => Object.fromEntries(rows.filter((r) => r.content_id === id).map((r) => [r.locale, r.path])));
    }),
);

