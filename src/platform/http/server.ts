import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config } from '../../config/config';
import type { Viewer } from '../auth/viewer';
import type { TokenVerifier } from '../auth/tokens';
import { DomainError } from '../errors/domain-error';
import { currentSqlScope, runWithSqlScope, type SqlScope } from '../db/sql-counter';
import type { Locale, RequestContext } from '../graphql/context';
import { formatError } from '../graphql/format-error';
import { checkCost, checkNulCharacters, limitRules } from '../graphql/limits';
import { localeFromHeader } from '../graphql/localised-text';
import type { Logger } from '../logging/logger';
import { cacheControlPlugin } from './cache-control';
import { graphiqlAssets, sendGraphiQL, wantsGraphiQL } from './graphiql';
import { httpRoutes, type MountRoutes } from './routes';

export const GRAPHQL_PATH = '/graphql';

export interface HttpServerOptions {
  config: Config;
  log: Logger;
  schema: GraphQLSchema;
  verifier: TokenVerifier;
  createContext(input: { requestId: string; viewer: Viewer; locale: Locale }): RequestContext;
  /** Resolves when the database answers; rejects otherwise. */
  checkReady(): Promise<void>;
  /** The modules' plain HTTP routes (feeds, files), mounted beside GraphQL. */
  mountRoutes?: MountRoutes;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight operations finish (up to the shutdown timeout), closes every socket. */
  close(): Promise<void>;
}

interface WsExtra extends Record<PropertyKey, unknown> {
  request: http.IncomingMessage;
  viewer?: Viewer;
  locale?: Locale;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const { config, log, schema } = opts;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const httpServer = http.createServer(app);
  let shuttingDown = false;

  const rules = [...specifiedRules, ...limitRules(config.graphql)];
  const format = (requestId?: string) => (formatted: Parameters<typeof formatError>[0], error: unknown) =>
    formatError(formatted, error, { exposeDetails: config.graphql.exposeErrorDetails, log, requestId });

  // --- WebSocket (graphql-ws) on the same port and path ---------------------------------------------------------
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: 64 * 1024 });
  const wsCleanup = useServer<Record<string, unknown>, WsExtra>(
    {
      schema,
      // The token is checked once when the socket opens; an invalid one closes it with 4403 Forbidden.
      onConnect: async (ctx: WsContext<Record<string, unknown>, WsExtra>) => {
        if (shuttingDown) return false;
        const params = ctx.connectionParams ?? {};
        const auth = (params.authorization ?? params.Authorization ?? ctx.extra.request.headers.authorization) as string | undefined;
        try {
          ctx.extra.viewer = await opts.verifier.viewerFor(auth);
        } catch {
          return false;
        }
        ctx.extra.locale = localeFromHeader(
          (params.locale as string | undefined) ?? ctx.extra.request.headers['accept-language'],
          config.defaultLocale,
        );
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: config.graphql.maxTokens });
        } catch (e) {
          return [e instanceof GraphQLError ? e : new GraphQLError('Could not parse the operation')];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        const refused =
          checkNulCharacters(document, payload.variables) ??
          checkCost(schema, document, payload.variables ?? undefined, payload.operationName, config.graphql.maxCost);
        if (refused) return [refused];
        const requestId = randomUUID();
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue: opts.createContext({ requestId, viewer: ctx.extra.viewer!, locale: ctx.extra.locale ?? config.defaultLocale }),
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!('errors' in result) || !result.errors) return result;
        const requestId = (args.contextValue as RequestContext).requestId;
        return { ...result, errors: result.errors.map((e) => format(requestId)(e.toJSON(), e)) } as unknown as typeof result;
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => format()(e.toJSON(), e)) as never,
    },
    wsServer,
  );

  // --- HTTP (Apollo) -------------------------------------------------------------------------------------------
  const inputLimitsPlugin: ApolloServerPlugin<RequestContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const error =
            checkNulCharacters(document, request.variables) ??
            checkCost(schema, document, request.variables, request.operationName, config.graphql.maxCost);
          if (error) throw error;
        },
      };
    },
  };
  const operationLogPlugin: ApolloServerPlugin<RequestContext> = {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, contextValue, errors }) {
          const scope = currentSqlScope();
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (config.graphql.exposeSqlCount && response.body.kind === 'single' && scope) {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements: scope.statements };
          }
          const reported = contextValue?.extensions;
          if (reported && Object.keys(reported).length && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, ...reported };
          }
          log.info(
            {
              requestId: contextValue?.requestId ?? scope?.requestId,
              operation: request.operationName ?? undefined,
              ms: Math.round(ms * 10) / 10,
              sql: scope?.statements,
              errors: errors?.length ?? 0,
              subject: contextValue?.viewer?.subject ?? undefined,
            },
            'graphql operation',
          );
        },
      };
    },
  };
  const drainWs: ApolloServerPlugin<RequestContext> = {
    async serverWillStart() {
      return {
        async drainServer() {
          await wsCleanup.dispose();
        },
      };
    },
  };
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    validationRules: limitRules(config.graphql),
    // A document with too many tokens is refused while parsing, before it costs any more work.
    parseOptions: { maxTokens: config.graphql.maxTokens },
    formatError: (formatted, error) => format(currentSqlScope()?.requestId)(limitKeepsItsCode(formatted), error),
    includeStacktraceInErrorResponses: config.graphql.exposeErrorDetails,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs }),
      // GraphiQL (served above, from node_modules) is the only IDE: Apollo's own landing page loads from its CDN.
      ApolloServerPluginLandingPageDisabled(),
      drainWs,
      inputLimitsPlugin,
      operationLogPlugin,
      // Cache-Control and Vary: public only for anonymous queries of registered public fields, no-store otherwise.
      cacheControlPlugin({ maxAge: config.content.cacheMaxAge, varyOrigin: config.corsOrigins.length > 0 }),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (shuttingDown) {
      res.status(503).json({ status: 'shutting down' });
      return;
    }
    try {
      await opts.checkReady();
      res.json({ status: 'ready' });
    } catch (e) {
      log.warn({ err: e }, 'readiness check failed');
      res.status(503).json({ status: 'database unreachable' });
    }
  });

  opts.mountRoutes?.(app, httpRoutes(opts));
  app.use(`${GRAPHQL_PATH}/graphiql`, graphiqlAssets());
  app.use(
    GRAPHQL_PATH,
    cors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: false, maxAge: 600 }),
    (req: Request, res: Response, next: NextFunction) => {
      const incoming = req.header('x-request-id');
      const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', requestId);
      const scope: SqlScope = { requestId, statements: 0 };
      runWithSqlScope(scope, () => next());
    },
    (req: Request, res: Response, next: NextFunction) => {
      if (config.graphql.graphiql && wantsGraphiQL(req)) sendGraphiQL(res, req.baseUrl);
      else next();
    },
    express.json({ limit: config.graphql.bodyLimit, type: ['application/json', 'application/graphql-response+json'] }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const viewer = await opts.verifier.viewerFor(req.headers.authorization).catch((e: unknown) => {
          throw toHttpError(e);
        });
        return opts.createContext({
          requestId: currentSqlScope()?.requestId ?? randomUUID(),
          viewer,
          locale: localeFromHeader(req.headers['accept-language'], config.defaultLocale),
        });
      },
    }),
  );
  // Body-parser failures (too large, malformed JSON) answered in GraphQL's error shape.
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status ?? 500;
    const reason = err.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : err.type === 'entity.parse.failed' ? 'INVALID_JSON' : 'BAD_REQUEST';
    if (status >= 500) log.error({ err }, 'HTTP request failed');
    res.status(status).json({
      errors: [
        {
          message:
            reason === 'PAYLOAD_TOO_LARGE'
              ? `The request body is larger than the limit of ${config.graphql.bodyLimit}`
              : status >= 500 ? 'Internal server error' : err.message,
          extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST', reason },
        },
      ],
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    port,
    async close() {
      shuttingDown = true;
      await apollo.stop();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

const LIMIT_REASONS = new Set(['MAX_DEPTH_EXCEEDED', 'MAX_ALIASES_EXCEEDED']);

/**
 * Apollo files every validation error under GRAPHQL_VALIDATION_FAILED, overwriting the code the depth and alias
 * rules set: they keep BAD_USER_INPUT, as the cost limit does and as they do over WebSocket.
 */
function limitKeepsItsCode(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { code, reason } = formatted.extensions ?? {};
  if (code !== 'GRAPHQL_VALIDATION_FAILED' || typeof reason !== 'string' || !LIMIT_REASONS.has(reason)) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code } });
}

/** An invalid token stops the whole request with 401 and the error's code, before any resolver runs. */
function toHttpError(e: unknown): GraphQLError {
  if (e instanceof DomainError) {
    return new GraphQLError(e.message, { extensions: { code: e.category, reason: e.reason, http: { status: 401 } } });
  }
  return e as GraphQLError;
}
