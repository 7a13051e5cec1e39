import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config/config';
import { Viewer } from '../../platform/auth/viewer';
import { recordEvent } from '../../platform/events/outbox';
import { RequestContext } from '../../platform/graphql/context';
import type { Logger } from '../../platform/logging/logger';
import { ContentCategory, type Localised } from './content.entity';
import type { CreateContentInput } from './content.inputs';
import { addDocumentVersion, contentGlobalId, createContent, publishContent } from './content.service';
import { toGlobalId } from '../../platform/graphql/relay';
import { createMediaAsset, MEDIA_TYPE } from './media.service';

interface Occasion {
  startsInDays: number;
  /** UTC time of day, HH:MM (default 07:00). */
  startTime?: string;
  durationHours: number;
}

interface SeedItem {
  ref: string;
  publish?: boolean;
  publishInDays?: number;
  files?: { file: string; note?: string; effectiveFrom?: string }[];
  materialFile?: string;
  input: Record<string, unknown> & {
    event?: Occasion & Record<string, unknown>;
    announcement?: Partial<Occasion> & Record<string, unknown>;
    page?: { parentRef?: string; position?: number };
    relatedEventRefs?: string[];
  };
}

export interface ContentSeed {
  categories: { key: string; name: Localised }[];
  items: SeedItem[];
}

const DAY = 86_400_000;

function when(o: Partial<Occasion>): { startsAt?: Date; endsAt?: Date } {
  if (o.startsInDays === undefined) return {};
  const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
  const [h, m] = (o.startTime ?? '07:00').split(':').map(Number);
  const startsAt = new Date(today + o.startsInDays * DAY + (h * 60 + m) * 60_000);
  return { startsAt, endsAt: new Date(startsAt.getTime() + (o.durationHours ?? 1) * 3_600_000) };
}

/**
 * The demo website content, written through the content service as the office would (so slugs, revisions, rendered
 * HTML and publishing jobs are real), with its files stored through the media service.
 */
export async function seedContent(em: EntityManager, config: Config, log: Logger, seed: ContentSeed, filesDir: string): Promise<void> {
  const ctx = new RequestContext(randomUUID(), new Viewer('seed', ['ADMIN'], []), config.defaultLocale, em, config, log, {
    record: recordEvent,
    ring: () => undefined,
    stream: () => {
      throw new Error('the seed does not subscribe');
    },
  });
  seed.categories.forEach((c, position) => ctx.em.create(ContentCategory, { key: c.key, name: c.name, position }));
  await ctx.em.flush();

  const upload = async (file: string) => {
    const full = path.join(filesDir, file);
    const bytes = readFileSync(full);
    const asset = await createMediaAsset(ctx, {
      path: full,
      size: statSync(full).size,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      filename: file,
    });
    return toGlobalId(MEDIA_TYPE, asset.id);
  };

  const ids = new Map<string, string>();
  for (const item of seed.items) {
    const { event, announcement, page, relatedEventRefs, ...rest } = item.input;
    const input = { ...rest } as unknown as CreateContentInput;
    if (event) {
      const { startsInDays: _d, startTime: _t, durationHours: _h, ...details } = event;
      input.event = { ...details, ...when(event) } as never;
    }
    if (announcement) {
      const { startsInDays: _d, startTime: _t, durationHours: _h, ...details } = announcement;
      input.announcement = { ...details, ...when(announcement) } as never;
    }
    if (page) input.page = { position: page.position, parentId: page.parentRef ? ids.get(page.parentRef) : undefined };
    if (relatedEventRefs) input.relatedEventIds = relatedEventRefs.map((ref) => ids.get(ref)!);
    if (item.materialFile) input.material = { ...input.material!, fileId: await upload(item.materialFile) };

    let content = await createContent(ctx, input);
    for (const version of item.files ?? []) {
      content = await addDocumentVersion(ctx, {
        documentId: contentGlobalId(content),
        fileId: await upload(version.file),
        note: version.note,
        effectiveFrom: version.effectiveFrom,
      });
    }
    if (item.publish) content = await publishContent(ctx, contentGlobalId(content), content.version);
    if (item.publishInDays !== undefined) {
      content = await publishContent(ctx, contentGlobalId(content), content.version, new Date(Date.now() + item.publishInDays * DAY));
    }
    ids.set(item.ref, contentGlobalId(content));
  }
}
