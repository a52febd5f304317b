// A seat belongs to the device that first took it: only its seat secret takes it back (replacing a stale
// socket), strangers with the link are refused while both seats are held, and wrong tokens never lock it.
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/protocol/signaling';
import { MAX_FAILED_JOINS } from '../../worker/room';
import { connect, postSession, joined, paired, relaysBothWays, type Client } from './client';

const SEAT = /^[A-Za-z0-9]{32}$/;

async function refused(client: Client): Promise<{ code: number; reason: string }> {
	const closed = await client.closed;
	expect(closed.reason.length).toBeGreaterThan(0);
	return closed;
}

async function strangerJoins(id: string, token: string, seat?: string): Promise<Client> {
	const client = await connect(id);
	client.join(token, seat);
	return client;
}

describe('seat secrets', () => {
	it('gives each seat its own secret of 32 letters or digits', async () => {
		const session = await postSession();
		const host = await joined(session);
		const guest = await joined(session);
		expect(host.hello.seat).toMatch(SEAT);
		expect(guest.hello.seat).toMatch(SEAT);
		expect(host.hello.seat).not.toBe(guest.hello.seat);
		host.client.close();
		guest.client.close();
	});

	it('refuses a stranger with the link while both seats are held, connected or dropped', async () => {
		const { session, host, guest, seats } = await paired();
		const first = await strangerJoins(session.id, session.token);
		expect(await refused(first)).toMatchObject({ code: CloseCode.full });

		guest.ws.close(4000, 'network gone');
		expect(await host.next()).toEqual({ type: 'peer-left', reason: 'dropped' });
		const second = await strangerJoins(session.id, session.token);
		expect(await refused(second)).toMatchObject({ code: CloseCode.full });
		const forged = await strangerJoins(session.id, session.token, 'F'.repeat(32));
		expect(await refused(forged)).toMatchObject({ code: CloseCode.full });

		const back = await joined(session, seats.guest);
		expect(back.hello).toMatchObject({ role: 'guest', peerPresent: true, seat: seats.guest });
		expect(await host.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(host, back.client)).toBe(true);
		host.close();
		back.client.close();
	});

	it('gives a returning host its host seat back', async () => {
		const { session, host, guest, seats } = await paired();
		host.ws.close(4000, 'network gone');
		expect(await guest.next()).toEqual({ type: 'peer-left', reason: 'dropped' });
		const back = await joined(session, seats.host);
		expect(back.hello).toMatchObject({ role: 'host', peerPresent: true, seat: seats.host });
		expect(await guest.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(back.client, guest)).toBe(true);
		guest.close();
		back.client.close();
	});

	it('replaces a stale socket still holding the seat, without telling the peer it left', async () => {
		const { session, host, guest, seats } = await paired();
		const fresh = await joined(session, seats.guest);
		expect(fresh.hello).toMatchObject({ role: 'guest', peerPresent: true });
		const stale = await guest.closed;
		expect(stale.code).toBe(CloseCode.replaced);
		expect(stale.reason).toMatch(/newer connection/);
		expect(await host.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(host, fresh.client)).toBe(true);
		expect(await host.silentFor(300)).toBe(true);
		host.close();
		fresh.client.close();
	});

	it('frees a seat when its holder leaves on purpose, for a new device with a new secret', async () => {
		const { session, host, guest, seats } = await paired();
		guest.close();
		expect(await host.next()).toEqual({ type: 'peer-left', reason: 'left' });
		const newcomer = await joined(session);
		expect(newcomer.hello).toMatchObject({ role: 'guest', peerPresent: true });
		expect(newcomer.hello.seat).toMatch(SEAT);
		expect(newcomer.hello.seat).not.toBe(seats.guest);
		expect(await host.next()).toEqual({ type: 'peer-joined' });
		// The old secret is void: it is a stranger's now, and both seats are held.
		const old = await strangerJoins(session.id, session.token, seats.guest);
		expect(await refused(old)).toMatchObject({ code: CloseCode.full });
		expect(await relaysBothWays(host, newcomer.client)).toBe(true);
		host.close();
		newcomer.client.close();
	});

	it('does not let a seat secret stand in for the token', async () => {
		const { session, host, guest, seats } = await paired();
		guest.ws.close(4000, 'network gone');
		expect(await host.next()).toEqual({ type: 'peer-left', reason: 'dropped' });
		const wrongToken = await strangerJoins(session.id, 'W'.repeat(32), seats.guest);
		expect(await refused(wrongToken)).toMatchObject({ code: CloseCode.wrongToken });
		host.close();
	});
});

describe('two joins on one socket', () => {
	it('take one seat at most, even sent back to back, and the other device still gets in', async () => {
		const session = await postSession();
		const greedy = await connect(session.id);
		greedy.join(session.token);
		greedy.join(session.token);
		expect(await greedy.next()).toMatchObject({ type: 'joined', role: 'host' });
		expect(await refused(greedy)).toMatchObject({ code: CloseCode.malformed, reason: 'Already joined' });
		const host = await joined(session);
		const guest = await joined(session);
		expect([host.hello.role, guest.hello.role]).toEqual(['host', 'guest']);
		host.client.close();
		guest.client.close();
	});
});

describe('wrong tokens do not lock out the real peers', () => {
	it(`admits both seated peers after ${MAX_FAILED_JOINS} wrong tokens, and still refuses strangers`, async () => {
		const { session, host, guest, seats } = await paired();
		guest.ws.close(4000, 'network gone');
		expect(await host.next()).toEqual({ type: 'peer-left', reason: 'dropped' });
		for (let i = 0; i <= MAX_FAILED_JOINS; i++) {
			const attacker = await strangerJoins(session.id, 'W'.repeat(31) + String(i));
			expect((await refused(attacker)).code).toBe(
				i < MAX_FAILED_JOINS ? CloseCode.wrongToken : CloseCode.rateLimited,
			);
		}
		const stranger = await strangerJoins(session.id, session.token);
		expect(await refused(stranger)).toMatchObject({ code: CloseCode.rateLimited });

		const guestBack = await joined(session, seats.guest);
		expect(guestBack.hello).toMatchObject({ role: 'guest', peerPresent: true });
		expect(await host.next()).toEqual({ type: 'peer-joined' });
		const hostBack = await joined(session, seats.host);
		expect(hostBack.hello).toMatchObject({ role: 'host', peerPresent: true });
		expect((await host.closed).code).toBe(CloseCode.replaced);
		expect(await guestBack.client.next()).toEqual({ type: 'peer-joined' });
		expect(await relaysBothWays(hostBack.client, guestBack.client)).toBe(true);
		hostBack.client.close();
		guestBack.client.close();
	});
});
