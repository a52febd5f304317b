// Who may create sessions: one allowance per client, where an IPv6 client is its /64 (one subscriber
// gets a whole /64 and can pick any address in it), and never from a page of another site.
import { describe, expect, it } from 'vitest';
import { api } from './client';

function create(headers: Record<string, string>): Promise<Response> {
	return api('/api/sessions', { method: 'POST', headers });
}

describe('per-client creation limit', () => {
	it('counts every address of one IPv6 /64 as one client', async () => {
		const statuses: number[] = [];
		for (let i = 1; i <= 31; i++) {
			const res = await create({ 'CF-Connecting-IP': `2001:db8:77:1:${i.toString(16)}::${i}` });
			statuses.push(res.status);
		}
		expect(statuses.slice(0, 30)).toEqual(Array(30).fill(201));
		expect(statuses[30]).toBe(429);
		// The same /64 written another way is still the same client; the next /64 is another one.
		expect((await create({ 'CF-Connecting-IP': '2001:0db8:0077:0001:ffff:ffff:ffff:ffff' })).status).toBe(
			429,
		);
		expect((await create({ 'CF-Connecting-IP': '2001:db8:77:2::1' })).status).toBe(201);
	});

	it('keeps IPv4 clients apart by their full address', async () => {
		for (let i = 0; i < 30; i++) {
			expect((await create({ 'CF-Connecting-IP': '198.51.100.7' })).status).toBe(201);
		}
		expect((await create({ 'CF-Connecting-IP': '198.51.100.7' })).status).toBe(429);
		expect((await create({ 'CF-Connecting-IP': '198.51.100.8' })).status).toBe(201);
	});
});

describe('Origin of a creation request', () => {
	it.each([
		['another site', 'https://evil.example'],
		['a look-alike host', 'https://pairbeam.test.evil.example'],
		['an opaque origin', 'null'],
	])('refuses a page of %s with 403 and a reason', async (_name, origin) => {
		const res = await create({ 'CF-Connecting-IP': '2001:db8:78::1', Origin: origin });
		expect(res.status).toBe(403);
		expect(await res.json()).toMatchObject({ error: 'forbidden', message: expect.stringMatching(/site/) });
	});

	it.each([
		['no Origin (curl, native apps)', {}],
		['its own origin', { Origin: 'https://pairbeam.test' }],
		['its own host on another port', { Origin: 'https://pairbeam.test:8443' }],
	])('allows %s', async (_name, headers) => {
		const res = await create({ 'CF-Connecting-IP': '2001:db8:79::1', ...headers });
		expect(res.status).toBe(201);
	});
});
