import { DomainError } from '../../../platform/errors/domain-error';
import type { XmlProblem } from './xsd-validate';

/** The EWP exchange's own error codes (sent as `extensions.reason`). */
export const EwpErrors = {
  missingHeiId: (institutionId: string, officialName: string) =>
    new DomainError(
      'CONFLICT',
      'EWP_MISSING_HEI_ID',
      `${officialName} has no SCHAC code, its EWP hei-id: add one to the institution before exporting the agreement to EWP`,
      { institutionId, institution: officialName },
    ),
  notExportable: (message: string, field?: string) =>
    new DomainError('CONFLICT', 'EWP_NOT_EXPORTABLE', `This agreement cannot be written as an EWP IIA: ${message}`, field ? { field } : {}),
  invalidXml: (problems: XmlProblem[]) =>
    new DomainError(
      'BAD_USER_INPUT',
      'EWP_INVALID_XML',
      `Not a valid EWP IIA v7 get-response document: ${problems
        .slice(0, 3)
        .map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message))
        .join('; ')}`,
      { field: 'xml', problems: problems.slice(0, 10) },
    ),
  unsupported: (message: string) =>
    new DomainError('BAD_USER_INPUT', 'EWP_IIA_UNSUPPORTED', `The IIA cannot be imported: ${message}`, { field: 'xml' }),
};
