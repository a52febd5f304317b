// Runs with JWT_JWKS_URL configured (vitest.config.ts); the JWKS is served through miniflare's outbound
// service, so the Worker's real remote-key fetch path runs.
import { env } from 'cloudflare:workers';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { api } from '../worker/client';

const privateJwk = env.TEST_PRIVATE_JWK as JWK;

async function create(token: string): Promise<Response> {
	return api('/api/sessions', {
		method: 'POST',
		headers: { 'CF-Connecting-IP': '2001:db8:3::1', Authorization: `Bearer ${token}` },
	});
}

function sign(key: CryptoKey | Uint8Array): Promise<string> {
	return new SignJWT({ sub: 'tester' })
		.setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
		.setExpirationTime('5m')
		.sign(key);
}

describe('JWT check on session creation (JWKS URL)', () => {
	it('creates a session for a token signed by a key in the JWKS', async () => {
		const key = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
		expect((await create(await sign(key))).status).toBe(201);
	});

	it('answers 401 to a token signed by a key not in the JWKS', async () => {
		const { privateKey } = await generateKeyPair('ES256');
		const res = await create(await sign(privateKey));
		expect(res.status).toBe(401);
		expect((await res.json()).message).toMatch(/signature/);
	});
});
