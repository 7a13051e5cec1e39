import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config/config';
import { DomainError } from '../errors/domain-error';
import { ROLES, Viewer, type Role } from './viewer';

const DEV_SECRET_FILE = 'dev-jwt-secret';
const DEV_ISSUER = 'iro-hub-dev';

/**
 * The development secret lives under the data directory so that `npm run token` and the running hub agree
 * without any configuration. Production never gets one: configuration refuses to start without a secret or JWKS.
 */
export function developmentSecret(config: Config, create: boolean): string | undefined {
  if (config.production) return undefined;
  const file = path.join(config.dataDir, DEV_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!create) return undefined;
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export interface TokenVerifier {
  /** The viewer for an Authorization header value; anonymous when there is none; UNAUTHENTICATED when invalid. */
  viewerFor(authorization: string | undefined): Promise<Viewer>;
}

export function createTokenVerifier(config: Config): TokenVerifier {
  const { auth } = config;
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (auth.jwksUrl) {
    key = createRemoteJWKSet(new URL(auth.jwksUrl));
    algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
  } else {
    const secret = auth.jwtSecret ?? developmentSecret(config, true);
    if (!secret) throw new Error('no JWT secret or JWKS URL configured');
    key = new TextEncoder().encode(secret);
    algorithms = ['HS256'];
  }
  const issuer = auth.issuer ?? (auth.jwksUrl ? undefined : auth.jwtSecret ? undefined : DEV_ISSUER);

  return {
    async viewerFor(authorization) {
      if (!authorization) return Viewer.anonymous();
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"');
      let payload: JWTPayload;
      try {
        const verified = await (typeof key === 'function'
          ? jwtVerify(match[1], key, { algorithms, issuer, audience: auth.audience })
          : jwtVerify(match[1], key, { algorithms, issuer, audience: auth.audience }));
        payload = verified.payload;
      } catch (e) {
        throw unauthenticated(`invalid token: ${(e as Error).message}`);
      }
      if (!payload.sub) throw unauthenticated('the token has no subject');
      return new Viewer(
        payload.sub,
        claimList(payload[auth.rolesClaim]).filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
        claimList(payload[auth.unitsClaim]),
      );
    },
  };
}

function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

function unauthenticated(message: string): DomainError {
  return new DomainError('UNAUTHENTICATED', 'INVALID_TOKEN', message);
}

export interface DevelopmentTokenClaims {
  sub: string;
  roles: Role[];
  units: string[];
  name?: string;
  expiresIn?: string;
}

/** Signs a development token (HS256) with the configured or development secret. Refused in production. */
export async function signDevelopmentToken(config: Config, claims: DevelopmentTokenClaims): Promise<string> {
  if (config.production) throw new Error('development tokens are not issued in production (NODE_ENV=production)');
  if (config.auth.jwksUrl) throw new Error('OIDC_JWKS_URL is set: tokens come from the identity provider');
  const secret = config.auth.jwtSecret ?? developmentSecret(config, true)!;
  const jwt = new SignJWT({ roles: claims.roles, units: claims.units, name: claims.name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '12h');
  if (config.auth.issuer) jwt.setIssuer(config.auth.issuer);
  else if (!config.auth.jwtSecret) jwt.setIssuer(DEV_ISSUER);
  if (config.auth.audience) jwt.setAudience(config.auth.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
