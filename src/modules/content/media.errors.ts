import { DomainError } from '../../platform/errors/domain-error';

/** The media part of the content module's error codes (sent as `extensions.reason`, or `error.reason` over HTTP). */
export const MediaErrors = {
  notFound: (field: string, ids: string[]) =>
    new DomainError('NOT_FOUND', 'MEDIA_NOT_FOUND', `No media asset ${ids.join(', ')}`, { field, ids }),
  fileRequired: () => new DomainError('BAD_USER_INPUT', 'FILE_REQUIRED', 'Send the file as the multipart/form-data field "file"', { field: 'file' }),
  oneFileOnly: () => new DomainError('BAD_USER_INPUT', 'ONE_FILE_ONLY', 'Send one file per upload', { field: 'file' }),
  multipartRequired: () =>
    new DomainError('BAD_USER_INPUT', 'MULTIPART_REQUIRED', 'An upload is a multipart/form-data request with a "file" field'),
  malformedUpload: (message: string) => new DomainError('BAD_USER_INPUT', 'MALFORMED_UPLOAD', `The upload could not be read: ${message}`),
  /** HTTP 413. */
  tooLarge: (maxBytes: number) =>
    new DomainError('BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes`, { field: 'file', maxBytes }),
  /** HTTP 415: the bytes are of a type not allowed, or of no type that can be recognised. */
  unsupportedType: (detected: string | null, allowed: string[]) =>
    new DomainError(
      'BAD_USER_INPUT',
      'UNSUPPORTED_MEDIA_TYPE',
      detected ? `Files of type ${detected} are not accepted` : 'The file is not of a type that can be recognised (images, PDF, MP4)',
      { field: 'file', detected, allowed },
    ),
  /** HTTP 415: an image whose size cannot be read. */
  imageUnreadable: (contentType: string) =>
    new DomainError('BAD_USER_INPUT', 'IMAGE_UNREADABLE', `The ${contentType} image's dimensions cannot be read`, { field: 'file' }),
  /** HTTP 413: an image too large to be decoded safely (a decompression bomb guard). */
  imageTooLarge: (width: number, height: number, maxSide: number) =>
    new DomainError('BAD_USER_INPUT', 'IMAGE_TOO_LARGE', `The image is ${width}×${height} pixels; at most ${maxSide} on a side`, {
      field: 'file',
      width,
      height,
      maxSide,
    }),
  inUse: (uses: { contentItems: number; documentVersions: number }) =>
    new DomainError(
      'CONFLICT',
      'MEDIA_IN_USE',
      `The media asset is used by ${uses.contentItems} content item(s) and ${uses.documentVersions} document version(s); remove those references first`,
      { field: 'id', ...uses },
    ),
  filenameInvalid: () =>
    new DomainError('BAD_USER_INPUT', 'INVALID_FILENAME', 'The file name has no usable characters', { field: 'input.filename' }),
};

/** The HTTP status of upload refusals that are neither 400 nor another category's status. */
export const MEDIA_HTTP_STATUS: Record<string, number> = {
  PAYLOAD_TOO_LARGE: 413,
  IMAGE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IMAGE_UNREADABLE: 415,
};
