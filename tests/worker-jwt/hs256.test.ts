// Runs with JWT_SECRET configured (vitest.config.ts): session creation needs a valid HS256 bearer token.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { api, postSession, joined, relaysBothWays } from '../worker/client';

const secret = new TextEncoder().encode('test-jwt-secret-of-at-least-32-bytes!');

function create(authorization?: string): Promise<Response> {
	const headers: Record<string, string> = { 'CF-Connecting-IP': '2001:db8:2::1' };
	if (authorization) headers.Authorization = authorization;
	return api('/api/sessions', { method: 'POST', headers });
}

const sign = (key: Uint8Array, expiresIn: string | number = '5m') =>
	new SignJWT({ sub: 'tester' })
		.setProtectedHeader({ alg: 'HS256' })
		.setIssuedAt()
		.setExpirationTime(expiresIn)
		.sign(key);

describe('JWT check on session creation (HS256)', () => {
	it('creates a session for a valid bearer token', async () => {
		const res = await create(`Bearer ${await sign(secret)}`);
		expect(res.status).toBe(201);
	});

	it.each([
		['a missing token', async () => undefined, /required/],
		['a non-bearer scheme', async () => `Basic ${btoa('a:b')}`, /required/],
		[
			'an expired token',
			async () => `Bearer ${await sign(secret, Math.floor(Date.now() / 1000) - 60)}`,
			/expired/,
		],
		[
			'a wrong signature',
			async () => `Bearer ${await sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'))}`,
			/signature/,
		],
		['garbage', async () => 'Bearer not.a.jwt', /not valid/],
		[
			'a token without an expiry',
			async () =>
				`Bearer ${await new SignJWT({ sub: 'tester' }).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`,
			/expiry/,
		],
	])('answers 401 to %s', async (_name, header, reason) => {
		const res = await create(await header());
		expect(res.status).toBe(401);
		expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
		expect((await res.json()).message).toMatch(reason);
	});
});

describe('joining is unaffected by the JWT check', () => {
	it('pairs and relays in a session created with a valid token', async () => {
		const session = await postSession('2001:db8:2::2', { Authorization: `Bearer ${await sign(secret)}` });
		const host = await joined(session);
		const guest = await joined(session);
		expect(guest.hello).toMatchObject({ type: 'joined', role: 'guest' });
		await host.client.next();
		expect(await relaysBothWays(host.client, guest.client)).toBe(true);
		host.client.close();
		guest.client.close();
	});
});
