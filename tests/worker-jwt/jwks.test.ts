// Runs with JWT_JWKS_URL configured (vitest.config.ts); the JWKS is served through miniflare's outbound
// service, so the Worker's real remote-key fetch path runs.
import { env } from 'cloudflare:workers';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { api } from '../worker/client';

const privateJwk = env.TEST_PRIVATE_JWK as JWK;

const creation = (token: string): RequestInit => ({
	method: 'POST',
	headers: { 'CF-Connecting-IP': '2001:db8:3::1', Authorization: `Bearer ${token}` },
});

function create(token: string): Promise<Response> {
	return api('/api/sessions', creation(token));
}

async function sign(
	key: CryptoKey | Uint8Array,
	claims: { audience?: string; expires?: boolean } = {},
): Promise<string> {
	const jwt = new SignJWT({ sub: 'tester' }).setProtectedHeader({ alg: 'ES256', kid: 'test-key' });
	const { audience = env.JWT_AUDIENCE, expires = true } = claims;
	if (audience) jwt.setAudience(audience);
	if (expires) jwt.setExpirationTime('5m');
	return jwt.sign(key);
}

const ourKey = async () => (await importJWK(privateJwk, 'ES256')) as CryptoKey;

describe('JWT check on session creation (JWKS URL)', () => {
	it('creates a session for a token signed by a key in the JWKS', async () => {
		expect((await create(await sign(await ourKey()))).status).toBe(201);
	});

	it.each([
		['for another audience', { audience: 'another-app' }, /not valid|audience/],
		['without an audience', { audience: '' }, /not valid|audience/],
		['without an expiry', { expires: false }, /expiry/],
	])('answers 401 to a token %s', async (_name, claims, reason) => {
		const res = await create(await sign(await ourKey(), claims));
		expect(res.status).toBe(401);
		expect((await res.json()).message).toMatch(reason);
	});

	it('refuses to create sessions while no audience is configured for the JWKS', async () => {
		// Any token the key owner issued for any other app would pass; the operator must name the audience.
		const misconfigured = { ...env, JWT_AUDIENCE: '' };
		const res = await worker.fetch(
			new Request('https://pairbeam.test/api/sessions', creation(await sign(await ourKey()))),
			misconfigured,
		);
		expect(res.status).toBe(500);
		expect(await res.json()).toMatchObject({
			error: 'misconfigured',
			message: expect.stringMatching(/JWT_AUDIENCE/),
		});
	});

	it('answers 401 to a token signed by a key not in the JWKS', async () => {
		const { privateKey } = await generateKeyPair('ES256');
		const res = await create(await sign(privateKey));
		expect(res.status).toBe(401);
		expect((await res.json()).message).toMatch(/signature/);
	});
});
