/**
 * National Agency reporting downloads (office only; `Authorization: Bearer <token>`):
 *   GET /exports/beneficiary-module.csv?contract=<grant contract number>[&bom=true]
 *   GET /exports/beneficiary-module.xlsx?contract=<grant contract number>
 * The mobilities of the contract as the EU Beneficiary Module asks for them (see beneficiary-module.ts): 200 with the
 * file as an attachment, `Cache-Control: no-store` (personal data). An unknown contract gives a header-only file.
 * Refusals, as JSON `{ error: { code, reason, message, field } }`: 401 UNAUTHENTICATED (no or bad token), 403 FORBIDDEN
 * (not the office) — both checked before anything else —, 400 INVALID_CONTRACT_NUMBER (missing, blank, over 60
 * characters), 400 UNSUPPORTED_FORMAT (another extension than csv or xlsx), 400 INVALID_PARAMETER (a parameter given
 * twice, or bom other than true/false/1/0).
 */
import type { Express, Request, Response } from 'express';
import { assertOffice } from '../../platform/auth/office';
import { route, type HttpRoutes } from '../../platform/http/routes';
import { beneficiaryModuleCsv, beneficiaryModuleXlsx } from './beneficiary-module';
import { ReportingErrors } from './reporting.errors';
import { contractNumberOf, mobilitiesForExport, REPORTS_ARE_THE_OFFICES } from './reporting.service';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function mountReportingRoutes(app: Express, routes: HttpRoutes): void {
  app.get('/exports/beneficiary-module.:format', route(routes.log, (req, res) => download(routes, req, res)));
}

/** One query parameter, given at most once. */
function param(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw ReportingErrors.invalidParameter(name, `Give ${name} once`);
  return value;
}

function bomOf(req: Request): boolean {
  const value = param(req, 'bom');
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw ReportingErrors.invalidParameter('bom', 'bom is true or false');
}

async function download(routes: HttpRoutes, req: Request, res: Response): Promise<void> {
  const ctx = await routes.contextFor(req);
  // Access first: nobody but the office learns anything, not even which parameters are wrong.
  assertOffice(ctx, REPORTS_ARE_THE_OFFICES);
  const format = String(req.params.format ?? '').toLowerCase();
  if (format !== 'csv' && format !== 'xlsx') throw ReportingErrors.unsupportedFormat('format', String(req.params.format ?? ''));
  const contractNumber = contractNumberOf(param(req, 'contract'), 'contract');
  const bom = format === 'csv' && bomOf(req);
  const mobilities = await mobilitiesForExport(ctx, contractNumber);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Disposition', `attachment; filename="beneficiary-module-${contractNumber.replace(/[^A-Za-z0-9._-]+/g, '_')}.${format}"`);
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').send(beneficiaryModuleCsv(mobilities, { bom }));
  } else {
    res.type(XLSX_CONTENT_TYPE).send(await beneficiaryModuleXlsx(mobilities, contractNumber));
  }
}
