import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { MeDocument } from '../generated/graphql';
import { startTestHub, TEST_JWT_SECRET, type GraphQLResponse, type TestHub } from '../support/hub';

const UNIT = '0b9f4c2e-6f1a-4c3d-9e8b-1a2b3c4d5e6f';
const unitGlobalId = (uuid: string) => Buffer.from(`OrganisationalUnit:${uuid}`).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function hs256(claims: JWTPayload, secret: string, exp: number | string = '10m'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('someone')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

/** A refusal of the whole request: 401, UNAUTHENTICATED, nothing executed. */
function expectRefused(res: GraphQLResponse<unknown>): void {
  expect(res.status).toBe(401);
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN' });
  expect(res).not.toHaveProperty('data');
}

describe('bearer tokens signed with the shared secret (HS256)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('gives a valid token its subject, roles and units in me', async () => {
    const res = await hub.request(MeDocument, {}, { sub: 'coord-1', roles: ['COORDINATOR', 'APPLICANT'], units: [UNIT] });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data!.me).toMatchObject({ subject: 'coord-1', roles: ['COORDINATOR', 'APPLICANT'], unitIds: [unitGlobalId(UNIT)] });
  });

  it('answers me = null, without errors, to an anonymous visitor', async () => {
    const res = await hub.request(MeDocument, {});
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ me: null });
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare "Bearer"', 'Bearer'],
    ['two tokens', 'Bearer aaa.bbb.ccc ddd'],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
  ])('refuses a malformed Authorization header (%s) with 401 UNAUTHENTICATED and no data', async (_what, header) => {
    expectRefused(await hub.request(MeDocument, {}, undefined, { authorization: header }));
  });

  it('refuses a token signed with another secret with 401 UNAUTHENTICATED and no data', async () => {
    const forged = await hs256({ roles: ['ADMIN'] }, 'another-secret-another-secret-another-secret');
    const res = await hub.request(MeDocument, {}, { token: forged });
    expectRefused(res);
    expect(res.errors![0].message).toMatch(/signature/i);
    // The same claims signed with the hub's secret are accepted: the signature alone made the difference.
    const genuine = await hs256({ roles: ['ADMIN'] }, TEST_JWT_SECRET);
    expect((await hub.request(MeDocument, {}, { token: genuine })).data!.me).toMatchObject({ subject: 'someone', roles: ['ADMIN'] });
  });

  it('refuses an expired token with 401 UNAUTHENTICATED and no data', async () => {
    const expired = await hs256({ roles: ['STAFF'] }, TEST_JWT_SECRET, now() - 60);
    const res = await hub.request(MeDocument, {}, { token: expired });
    expectRefused(res);
    expect(res.errors![0].message).toMatch(/exp/i);
  });

  it('refuses a token without a subject', async () => {
    const token = await new SignJWT({ roles: ['STAFF'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expectRefused(await hub.request(MeDocument, {}, { token }));
  });
});

describe('OIDC tokens verified against a JWKS (a local JWKS endpoint standing in for the university SSO)', () => {
  const ISSUER = 'https://sso.test';
  let hub: TestHub;
  let jwks: http.Server;
  let jwksRequests = 0;
  let privateKey: CryptoKey;
  const KID = 'sso-key-1';

  const rs256 = (claims: JWTPayload, opts: { key?: CryptoKey; kid?: string; issuer?: string; sub?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? KID })
      .setSubject(opts.sub ?? 'ayse.yilmaz@example.edu.tr')
      .setIssuer(opts.issuer ?? ISSUER)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(opts.key ?? privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const body = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
    jwks = http.createServer((req, res) => {
      jwksRequests++;
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    // JWT_SECRET '' overrides the harness's secret: an empty variable means "not set", so only the JWKS is trusted.
    hub = await startTestHub({
      OIDC_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWT_SECRET: '',
      OIDC_ISSUER: ISSUER,
    });
  });
  afterAll(async () => {
    await hub?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('runs with the JWKS only: no shared secret configured', () => {
    expect(hub.hub.config.auth).toMatchObject({ jwtSecret: undefined, issuer: ISSUER });
    expect(hub.hub.config.auth.jwksUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json$/);
  });

  it('accepts an RS256 token from the SSO key and takes roles and units from its claims', async () => {
    const token = await rs256({ roles: ['COORDINATOR', 'NOT_A_HUB_ROLE'], units: [UNIT] });
    const res = await hub.request(MeDocument, {}, { token });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    // Unknown roles from the SSO are dropped; units become global IDs.
    expect(res.data!.me).toEqual({
      subject: 'ayse.yilmaz@example.edu.tr',
      roles: ['COORDINATOR'],
      unitIds: [unitGlobalId(UNIT)],
      displayName: null,
      email: null,
    });
    expect(jwksRequests).toBeGreaterThan(0); // the public key came from the endpoint
  });

  it('accepts roles and units given as a space- or comma-separated string claim', async () => {
    const token = await rs256({ roles: 'STAFF ADMIN', units: `${UNIT},${UNIT.replace('0b9f', '1c0a')}` });
    const res = await hub.request(MeDocument, {}, { token });
    expect(res.data!.me).toMatchObject({
      roles: ['STAFF', 'ADMIN'],
      unitIds: [unitGlobalId(UNIT), unitGlobalId(UNIT.replace('0b9f', '1c0a'))],
    });
  });

  it('refuses an HS256 token, even one signed with the old shared secret', async () => {
    const token = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('intruder')
      .setIssuer(ISSUER)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expectRefused(await hub.request(MeDocument, {}, { token }));
  });

  it('refuses an RS256 token signed by a key that is not in the key set', async () => {
    const stranger = await generateKeyPair('RS256');
    expectRefused(await hub.request(MeDocument, {}, { token: await rs256({ roles: ['ADMIN'] }, { key: stranger.privateKey }) }));
  });

  it('refuses an RS256 token from another issuer', async () => {
    expectRefused(await hub.request(MeDocument, {}, { token: await rs256({ roles: ['ADMIN'] }, { issuer: 'https://evil.test' }) }));
  });

  it('still treats a request without a token as an anonymous visitor', async () => {
    const res = await hub.request(MeDocument, {});
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ me: null });
  });
});
