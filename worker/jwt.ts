// Optional bearer-token check on session creation, off unless JWT_SECRET (HS256) or JWT_JWKS_URL is
// configured; jose verifies signature, expiry (required: a token without one would be valid for ever) and,
// when configured, issuer and audience.
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Env } from './env';

let remoteKeys: { url: string; keys: JWTVerifyGetKey } | undefined;

function jwksFor(url: string): JWTVerifyGetKey {
	if (remoteKeys?.url !== url) remoteKeys = { url, keys: createRemoteJWKSet(new URL(url)) };
	return remoteKeys.keys;
}

export function jwtRequired(env: Env): boolean {
	return Boolean(env.JWT_SECRET || env.JWT_JWKS_URL);
}

/** Why a request may not create a session: 401 for the caller's token, 500 for the operator's config. */
export interface JwtDenial {
	status: 401 | 500;
	message: string;
}

const unauthorized = (message: string): JwtDenial => ({ status: 401, message });

/** Returns null when the request may create a session, else why it may not. */
export async function checkJwt(request: Request, env: Env): Promise<JwtDenial | null> {
	if (!jwtRequired(env)) return null;
	// A JWKS usually belongs to an identity provider that signs tokens for many apps: without an audience
	// any of those would create sessions here. That is the operator's mistake, so it is a 500, not a 401,
	// and it refuses every creation rather than run open.
	if (!env.JWT_SECRET && !env.JWT_AUDIENCE) {
		return {
			status: 500,
			message: 'The server is misconfigured: JWT_JWKS_URL is set without JWT_AUDIENCE',
		};
	}
	const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(request.headers.get('Authorization') ?? '');
	if (!match) return unauthorized('An Authorization: Bearer token is required to create a session');
	const options = {
		issuer: env.JWT_ISSUER || undefined,
		audience: env.JWT_AUDIENCE || undefined,
		requiredClaims: ['exp'],
	};
	try {
		if (env.JWT_SECRET) {
			await jwtVerify(match[1], new TextEncoder().encode(env.JWT_SECRET), {
				...options,
				algorithms: ['HS256'],
			});
		} else {
			await jwtVerify(match[1], jwksFor(env.JWT_JWKS_URL), options);
		}
		return null;
	} catch (error) {
		const { code, claim } = error as { code?: string; claim?: string };
		if (code === 'ERR_JWT_EXPIRED') return unauthorized('The bearer token has expired');
		if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'exp') {
			return unauthorized('The bearer token must carry an expiry (exp)');
		}
		if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'aud') {
			return unauthorized('The bearer token is not valid for this audience');
		}
		if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
			return unauthorized('The bearer token signature is invalid');
		}
		return unauthorized('The bearer token is not valid');
	}
}
