import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api, createSession, joined } from './client';

describe('security headers on API answers', () => {
	it.each([
		['POST /api/sessions', '/api/sessions', 'POST'],
		['GET /api/sessions (405)', '/api/sessions', 'GET'],
		['GET /api/unknown (404)', '/api/unknown', 'GET'],
	])('%s carries them', async (_name, path, method) => {
		const res = await api(path, { method, headers: { 'CF-Connecting-IP': '2001:db8:1::1' } });
		const csp = res.headers.get('Content-Security-Policy') ?? '';
		expect(csp).toContain("default-src 'self'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).not.toContain('unsafe-inline');
		expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
		expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
		expect(res.headers.get('Permissions-Policy')).toContain('camera=(self)');
	});
});

describe('ICE configuration for members', () => {
	it('gives STUN and time-limited TURN credentials that coturn would accept', async () => {
		const session = await createSession();
		const { client, hello } = await joined(session);
		client.close();
		if (hello.type !== 'joined') throw new Error('expected joined');
		expect(hello.iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] });
		expect(hello.iceTransportPolicy).toBe('all');
		const turn = hello.iceServers[1];
		expect(turn.urls).toEqual(['turn:127.0.0.1:3478?transport=udp']);
		const [expiry, name] = (turn.username ?? '').split(':');
		const ttl = Number(expiry) - Date.now() / 1000;
		expect(ttl).toBeGreaterThan(590);
		expect(ttl).toBeLessThanOrEqual(600);
		expect(name).toMatch(/^[A-Za-z0-9]{12}$/);
		const expected = createHmac('sha1', 'test-turn-secret')
			.update(turn.username ?? '')
			.digest('base64');
		expect(turn.credential).toBe(expected);
	});

	it('gives each member its own TURN username', async () => {
		const session = await createSession();
		const a = await joined(session);
		const b = await joined(session);
		a.client.close();
		b.client.close();
		if (a.hello.type !== 'joined' || b.hello.type !== 'joined') throw new Error('expected joined');
		expect(a.hello.iceServers[1].username).not.toBe(b.hello.iceServers[1].username);
	});
});
