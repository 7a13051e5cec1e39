import { DomainError } from '../../platform/errors/domain-error';

/** The media part of the content module's error codes (sent as `extensions.reason`). */
export const MediaErrors = {
  notFound: (field: string, ids: string[]) =>
    new DomainError('NOT_FOUND', 'MEDIA_NOT_FOUND', `No media asset ${ids.join(', ')}`, { field, ids }),
};
