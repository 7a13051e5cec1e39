import { sqlArray } from '../../platform/db/sql-array';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Locale } from '../../platform/graphql/context';
import { ContentType, type ContentItem, type Localised } from './content.entity';
import { ContentErrors } from './content.errors';

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LOCALES: Locale[] = ['tr', 'en'];
const TURKISH: Record<string, string> = { ç: 'c', ğ: 'g', ı: 'i', İ: 'i', ö: 'o', ş: 's', ü: 'u', Ç: 'c', Ğ: 'g', Ö: 'o', Ş: 's', Ü: 'u' };

/** A URL slug from a title: Turkish letters transliterated, accents dropped, words joined by hyphens. */
export function slugify(text: string): string {
  return text
    .replace(/['’]/g, '') // "İstanbul'da" is one word: istanbulda
    .replace(/[çğıİöşüÇĞÖŞÜ]/g, (c) => TURKISH[c])
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
}

/** A page's path in a locale is its ancestors' slugs and its own, joined by "/". */
export function normalisePath(path: string): string {
  return path.trim().replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '').toLowerCase();
}

/**
 * Decides the item's slug per locale: given, kept, or derived from the title. A derived slug that is taken gets a
 * number (-2, -3, ...); a given one is checked for form here and for uniqueness by `writeSlugRows`. Runs before the
 * item is flushed, so that one save is one version.
 */
export async function decideSlugs(em: EntityManager, item: ContentItem, given: Localised | undefined): Promise<void> {
  const parentPaths = await parentPathsOf(em, item);
  const next: Localised = {};
  for (const locale of LOCALES) {
    const explicit = given?.[locale];
    if (explicit !== undefined && explicit !== null) {
      if (!SLUG.test(explicit) || explicit.length > 100) throw ContentErrors.invalidSlug(`slug.${locale}`);
      next[locale] = explicit;
      continue;
    }
    if (!item.title[locale]) continue;
    const base = item.slug[locale] ?? (slugify(item.title[locale]!) || 'item');
    next[locale] = await freeSlug(em, item, locale, base, parentPaths[locale] ?? parentPaths.tr ?? parentPaths.en);
  }
  item.slug = next;
}

/**
 * Rewrites the item's rows in content_slug (after it is flushed), refusing a taken address with SLUG_TAKEN, and
 * those of its sub-pages when it is a page: their paths start with its own.
 */
export async function writeSlugRows(em: EntityManager, item: ContentItem): Promise<void> {
  await replaceRows(em, item, await parentPathsOf(em, item));
  if (item.type === ContentType.PAGE) await rewriteDescendants(em, item.id);
}

async function parentPathsOf(em: EntityManager, item: ContentItem): Promise<Localised> {
  return item.type === ContentType.PAGE && item.parent ? pathsOf(em, item.parent.id) : {};
}

async function freeSlug(em: EntityManager, item: ContentItem, locale: Locale, base: string, parentPath: string | undefined): Promise<string> {
  const prefix = parentPath ? `${parentPath}/` : '';
  for (let n = 1; n < 100; n++) {
    const candidate = n === 1 ? base : `${base.slice(0, 95)}-${n}`;
    const [row] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from content_slug where type = ? and locale = ? and path = ? and content_id <> ?`,
      [item.type, locale, prefix + candidate, item.id],
    );
    if (row.n === 0) return candidate;
  }
  return `${base.slice(0, 90)}-${item.id.slice(0, 8)}`;
}

async function pathsOf(em: EntityManager, contentId: string): Promise<Localised> {
  const rows = await em.execute<{ locale: Locale; path: string }[]>(`select locale, path from content_slug where content_id = ?`, [contentId]);
  return Object.fromEntries(rows.map((r) => [r.locale.trim(), r.path]));
}

async function replaceRows(em: EntityManager, item: ContentItem, parentPaths: Localised): Promise<void> {
  await em.execute(`delete from content_slug where content_id = ?`, [item.id]);
  for (const locale of LOCALES) {
    const slug = item.slug[locale];
    if (!slug) continue;
    const parent = parentPaths[locale] ?? parentPaths.tr ?? parentPaths.en;
    const path = parent ? `${parent}/${slug}` : slug;
    const [taken] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from content_slug where type = ? and locale = ? and path = ?`,
      [item.type, locale, path],
    );
    if (taken.n > 0) throw ContentErrors.slugTaken(`slug.${locale}`, locale, path);
    try {
      await em.execute(`insert into content_slug (id, content_id, type, locale, path) values (gen_random_uuid(), ?, ?, ?, ?)`, [
        item.id,
        item.type,
        locale,
        path,
      ]);
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw ContentErrors.slugTaken(`slug.${locale}`, locale, path);
      throw e;
    }
  }
}

/** Sub-pages' paths follow their parent's: rewritten level by level after a page's slug or parent changed. */
async function rewriteDescendants(em: EntityManager, pageId: string): Promise<void> {
  let parents = [pageId];
  for (let depth = 0; parents.length && depth < 20; depth++) {
    const children = await em.execute<{ id: string; parent_id: string; slug: Localised }[]>(
      `select id, parent_id, slug from content_item where parent_id = any(?::uuid[])`,
      [sqlArray(parents)],
    );
    for (const child of children) {
      const parentPaths = await pathsOf(em, child.parent_id);
      await replaceRows(em, { id: child.id, type: ContentType.PAGE, slug: child.slug } as ContentItem, parentPaths);
    }
    parents = children.map((c) => c.id);
  }
}
