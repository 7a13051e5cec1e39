import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Router } from 'express';
import express from 'express';

/** The directory of an installed package (its exports map hides the UMD files from require.resolve). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`package ${name} not found`);
}

/** GraphiQL's browser files, all served from node_modules: the page works with no internet access. */
const ASSETS: Record<string, [pkg: string, file: string, type: string]> = {
  'react.js': ['react', 'umd/react.production.min.js', 'text/javascript'],
  'react-dom.js': ['react-dom', 'umd/react-dom.production.min.js', 'text/javascript'],
  'graphiql.js': ['graphiql', 'graphiql.min.js', 'text/javascript'],
  'graphiql.css': ['graphiql', 'graphiql.min.css', 'text/css'],
  'graphql-ws.js': ['graphql-ws', 'umd/graphql-ws.min.js', 'text/javascript'],
};

const PAGE = (endpoint: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>IRO Hub · GraphiQL</title>
  <link rel="stylesheet" href="${endpoint}/graphiql/graphiql.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${endpoint}/graphiql/react.js"></script>
  <script src="${endpoint}/graphiql/react-dom.js"></script>
  <script src="${endpoint}/graphiql/graphiql.js"></script>
  <script src="${endpoint}/graphiql/graphql-ws.js"></script>
  <script>
    const url = new URL('${endpoint}', location.href).toString();
    const httpFetcher = GraphiQL.createFetcher({ url });
    // Subscriptions go over graphql-ws on the same path, with the Authorization header from the Headers tab sent as
    // connection parameters: one socket per distinct header, so changing the token takes effect at once.
    const sockets = new Map();
    const socketFor = (headers) => {
      const auth = (headers && (headers.Authorization || headers.authorization)) || '';
      if (!sockets.has(auth)) {
        sockets.set(auth, graphqlWs.createClient({ url: url.replace(/^http/, 'ws'), lazy: true, connectionParams: auth ? { authorization: auth } : {} }));
      }
      return sockets.get(auth);
    };
    const isSubscription = (params, doc) => {
      const ops = ((doc && doc.definitions) || []).filter((d) => d.kind === 'OperationDefinition');
      const op = ops.find((d) => d.name && d.name.value === params.operationName) || (ops.length === 1 ? ops[0] : null);
      return op ? op.operation === 'subscription' : /^\s*subscription\b/.test(params.query);
    };
    const fetcher = (params, opts) =>
      isSubscription(params, opts && opts.documentAST) ? socketFor(opts && opts.headers).iterate(params) : httpFetcher(params, opts);
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultEditorToolsVisibility: true,
        defaultQuery: '# Welcome to the IRO Hub.\\n# Add {"Authorization": "Bearer <token>"} under Headers (npm run token -- --role STAFF).\\n\\nquery {\\n  homeInstitution {\\n    name\\n    topLevelUnits { code name children { code name } }\\n  }\\n}\\n',
      }),
    );
  </script>
</body>
</html>`;

export function graphiqlAssets(): Router {
  const router = express.Router();
  for (const [name, [pkg, file, type]] of Object.entries(ASSETS)) {
    const full = path.join(packageDir(pkg), file);
    router.get(`/${name}`, (_req, res) => {
      res.type(type).setHeader('Cache-Control', 'public, max-age=86400');
      res.sendFile(full);
    });
  }
  return router;
}

/** GET with a browser's Accept header and no query: the request is for the IDE, not for GraphQL over HTTP. */
export function wantsGraphiQL(req: Request): boolean {
  return req.method === 'GET' && !req.query.query && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

export function sendGraphiQL(res: Response, endpoint: string): void {
  res.type('html').setHeader('Cache-Control', 'no-cache');
  res.send(PAGE(endpoint));
}
