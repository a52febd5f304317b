import { createHmac } from 'node:crypto';
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/protocol/signaling';
import { api, connect, postSession, joined, paired, type Joined } from './client';

const turnOf = (hello: Joined) => hello.iceServers.find((server) => server.username !== undefined);

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
		expect(res.headers.get('Strict-Transport-Security')).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
	});
});

describe('ICE configuration for members', () => {
	it('gives STUN and time-limited TURN credentials that coturn would accept', async () => {
		const session = await postSession();
		const { client, hello } = await joined(session);
		client.close();
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
		const session = await postSession();
		const a = await joined(session);
		const b = await joined(session);
		a.client.close();
		b.client.close();
		expect(a.hello.iceServers[1].username).not.toBe(b.hello.iceServers[1].username);
	});

	it('mints credentials once per seat, however often devices join and leave', async () => {
		const session = await postSession();
		const usernames = new Set<string | undefined>();
		for (let i = 0; i < 20; i++) {
			const { client, hello } = await joined(session);
			usernames.add(turnOf(hello)?.username);
			client.close();
			await client.closed;
		}
		expect(usernames.size).toBe(1);
		expect([...usernames][0]).toMatch(/^\d+:[A-Za-z0-9]{12}$/);
	});

	it('gives a returning seat the same credentials, and a refused stranger none', async () => {
		const { session, host, guest, seats } = await paired();
		const first = await joined(session, seats.guest);
		expect(await guest.closed).toMatchObject({ code: CloseCode.replaced });
		const again = await joined(session, seats.guest);
		expect(turnOf(again.hello)).toEqual(turnOf(first.hello));
		const stranger = await connect(session.id);
		stranger.join(session.token);
		expect(await stranger.closed).toMatchObject({ code: CloseCode.full });
		host.close();
		again.client.close();
	});

	it('mints new credentials for a seat whose credentials have run out', async () => {
		const { session, host, guest, seats } = await paired();
		guest.ws.close(4000, 'network gone');
		await host.next();
		const stub = env.ROOMS.getByName(session.id);
		const before = await runInDurableObject(stub, async (_room, state) => {
			const stored = await state.storage.get<{
				turn: Record<string, { expiresAt: number; username: string }>;
			}>('session');
			if (!stored) throw new Error('no session');
			stored.turn.guest.expiresAt = Date.now() - 1;
			await state.storage.put('session', stored);
			return stored.turn.guest.username;
		});
		const back = await joined(session, seats.guest);
		expect(turnOf(back.hello)?.username).not.toBe(before);
		host.close();
		back.client.close();
	});
});
