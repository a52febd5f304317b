// Optional bearer-token check on session creation, off unless JWT_SECRET (HS256) or JWT_JWKS_URL is
// configured; jose verifies signature, expiry and, when configured, issuer and audience.
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

/** Returns null when the request may create a session, else the reason it may not. */
export async function checkJwt(request: Request, env: Env): Promise<string | null> {
	if (!jwtRequired(env)) return null;
	const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(request.headers.get('Authorization') ?? '');
	if (!match) return 'An Authorization: Bearer token is required to create a session';
	const options = {
		issuer: env.JWT_ISSUER || undefined,
		audience: env.JWT_AUDIENCE || undefined,
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
		const code = (error as { code?: string }).code;
		if (code === 'ERR_JWT_EXPIRED') return 'The bearer token has expired';
		if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'The bearer token signature is invalid';
		return 'The bearer token is not valid';
	}
}
