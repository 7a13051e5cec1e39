import { randomUUID } from 'node:crypto';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Config } from '../../config/config';
import type { TokenVerifier } from '../auth/tokens';
import { DomainError, type ErrorCategory } from '../errors/domain-error';
import type { Locale, RequestContext } from '../graphql/context';
import { localeFromHeader } from '../graphql/localised-text';
import type { Logger } from '../logging/logger';

/** What a module's plain HTTP routes (feeds, file upload and download) get from the platform. */
export interface HttpRoutes {
  config: Config;
  log: Logger;
  /**
   * The request context for an HTTP request: the viewer from its bearer token (a bad token is an UNAUTHENTICATED
   * DomainError), the locale from `?locale=` or Accept-Language.
   */
  contextFor(req: Request): Promise<RequestContext>;
  /** The hub's public base URL (PUBLIC_URL, or the request's own scheme and host), without a trailing slash. */
  baseUrl(req: Request): string;
}

export type MountRoutes = (app: Express, routes: HttpRoutes) => void;

const STATUS: Record<ErrorCategory, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

export function httpRoutes(deps: {
  config: Config;
  log: Logger;
  verifier: TokenVerifier;
  createContext(input: { requestId: string; viewer: import('../auth/viewer').Viewer; locale: Locale }): RequestContext;
}): HttpRoutes {
  const { config, log, verifier } = deps;
  return {
    config,
    log,
    async contextFor(req) {
      const viewer = await verifier.viewerFor(req.headers.authorization);
      const asked = typeof req.query.locale === 'string' ? req.query.locale : undefined;
      const locale = asked === 'tr' || asked === 'en' ? asked : localeFromHeader(req.headers['accept-language'], config.defaultLocale);
      return deps.createContext({ requestId: (req.headers['x-request-id'] as string | undefined) ?? randomUUID(), viewer, locale });
    },
    baseUrl(req) {
      return config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
    },
  };
}

/**
 * Wraps an async route: a DomainError becomes its HTTP status with `{ error: { code, reason, message, field } }`,
 * anything else a logged 500 that says nothing internal.
 */
export function route(log: Logger, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch((e: unknown) => {
      if (res.headersSent) return next(e);
      res.setHeader('Cache-Control', 'no-store');
      if (e instanceof DomainError) {
        res.status(STATUS[e.category]).json({ error: { code: e.category, reason: e.reason, message: e.message, field: e.details.field } });
        return;
      }
      log.error({ err: e, path: req.path }, 'HTTP route failed');
      res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    });
  };
}
