// The remember handshake on both devices at once: two real state machines hand each other the messages one
// sends, and what they agree on is derived with the real derive.ts, so both records must come out equal.
import { describe, expect, it } from 'vitest';
import { derivePairingSecret, pairingCredentials } from '../../src/lib/pairing/derive';
import {
	RememberHandshake,
	rememberedPairing,
	type Agreement,
	type Step,
} from '../../src/lib/pairing/remember';
import { fromBase64 } from '../../src/lib/protocol/base64';
import type { RememberMessage } from '../../src/lib/protocol/remember';

const KEY = 'Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6';
const SESSION = 'AbCdEfGhIjKlMnOpQrSt';
const NOW = 1_796_000_000_000;

/** Two devices; `gates` stands for each one's send gate: whether its user confirmed the other device. */
function pair(gates = { host: true, guest: true }) {
	const host = new RememberHandshake({
		key: KEY,
		sessionId: SESSION,
		role: 'host',
		confirmed: () => gates.host,
	});
	const guest = new RememberHandshake({
		key: KEY,
		sessionId: SESSION,
		role: 'guest',
		confirmed: () => gates.guest,
	});
	return { host, guest };
}

/** The message a step sends; fails the test when it sends none. */
function sent(step: Step): Exclude<RememberMessage, { t: 'forget' }> {
	if (!step.send) throw new Error(`expected a message, got none (${step.notice?.code})`);
	return step.send;
}

/** The step's agreement; fails the test when there is none. */
function agreed(step: Step): Agreement {
	if (!step.agreed) throw new Error(`expected an agreement, got none (${step.notice?.code})`);
	return step.agreed;
}

describe('the remember handshake', () => {
	it('stores on both devices only once the other allowed, the same pairing on each', async () => {
		const { host, guest } = pair();
		const request = host.remember('Laptop', NOW);
		expect(request.agreed).toBeUndefined();
		expect(host.state).toEqual({ phase: 'requesting' });
		const asked = guest.receive(sent(request), NOW + 1);
		expect(asked).toEqual({});
		expect(guest.state).toEqual({ phase: 'asked', name: 'Laptop' });
		const allowed = guest.allow('Phone', NOW + 2);
		const onGuest = agreed(allowed);
		const onHost = agreed(host.receive(sent(allowed), NOW + 3));
		expect(host.state).toEqual({ phase: 'remembered', name: 'Phone' });
		expect(guest.state).toEqual({ phase: 'remembered', name: 'Laptop' });

		const a = await rememberedPairing(onHost);
		const b = await rememberedPairing(onGuest);
		expect(a.record).toMatchObject({ name: 'Phone', role: 'host', createdAt: NOW + 3 });
		expect(b.record).toMatchObject({ name: 'Laptop', role: 'guest', createdAt: NOW + 2 });
		expect(a.record.secret).toEqual(b.record.secret);
		expect(a.record.id).toBe(b.record.id);
		expect(a.credentials.tokens).toEqual(b.credentials.tokens);
	});

	it('derives the secret from KEY, the session and the nonces the messages carried, host first', async () => {
		const { host, guest } = pair();
		const request = sent(guest.remember('Phone', NOW));
		host.receive(request, NOW);
		const allowed = host.allow('Laptop', NOW);
		const accept = sent(allowed);
		if (request.t !== 'remember-request' || accept.t !== 'remember-accept') throw new Error('wrong messages');
		const secret = await derivePairingSecret(KEY, SESSION, {
			host: fromBase64(accept.nonce),
			guest: fromBase64(request.nonce),
		});
		const { record, credentials } = await rememberedPairing(agreed(allowed));
		expect(record.secret).toEqual(secret);
		expect(record.id).toBe((await pairingCredentials(secret)).roomId);
		expect(credentials.roomId).toBe(record.id);
		expect(agreed(allowed)).toMatchObject({ key: KEY, sessionId: SESSION, role: 'host', name: 'Phone' });
	});

	it('converges when both ask at once: each request answers the other, one pairing on both', async () => {
		const { host, guest } = pair();
		const fromHost = sent(host.remember('Laptop', NOW));
		const fromGuest = sent(guest.remember('Phone', NOW));
		const onHost = host.receive(fromGuest, NOW + 1);
		const onGuest = guest.receive(fromHost, NOW + 1);
		expect(onHost.send).toBeUndefined();
		expect(onGuest.send).toBeUndefined();
		const a = await rememberedPairing(agreed(onHost));
		const b = await rememberedPairing(agreed(onGuest));
		expect(a.record.id).toBe(b.record.id);
		expect(a.record.secret).toEqual(b.record.secret);
		expect([a.record.name, b.record.name]).toEqual(['Phone', 'Laptop']);
	});

	it('takes a tap on "Remember" while asked as Allow', () => {
		const { host, guest } = pair();
		guest.receive(sent(host.remember('Laptop', NOW)), NOW);
		const step = guest.remember('Phone', NOW);
		expect(sent(step).t).toBe('remember-accept');
		agreed(host.receive(sent(step), NOW));
	});

	it('stores nothing when the other says "Not now", and may ask again with a fresh nonce', () => {
		const { host, guest } = pair();
		const first = sent(host.remember('Laptop', NOW));
		guest.receive(first, NOW);
		const no = guest.notNow();
		expect(no).toEqual({ send: { t: 'remember-decline' } });
		expect(guest.state).toEqual({ phase: 'idle' });
		expect(host.receive(sent(no), NOW)).toEqual({
			notice: { code: 'declined' },
		});
		expect(host.state).toEqual({ phase: 'idle' });
		const second = sent(host.remember('Laptop', NOW));
		if (first.t !== 'remember-request' || second.t !== 'remember-request') throw new Error('no requests');
		expect(second.nonce).not.toBe(first.nonce);
	});

	it('refuses to ask before this device confirmed the code, and asks once it did', () => {
		const gates = { host: false, guest: true };
		const { host } = pair(gates);
		expect(host.remember('Laptop', NOW)).toEqual({ notice: { code: 'confirm-first' } });
		expect(host.state).toEqual({ phase: 'idle' });
		gates.host = true;
		expect(sent(host.remember('Laptop', NOW)).t).toBe('remember-request');
	});

	it('holds a request that comes before this device confirmed the code: Allow waits for the confirmation', () => {
		const gates = { host: false, guest: true };
		const { host, guest } = pair(gates);
		expect(host.receive(sent(guest.remember('Phone', NOW)), NOW)).toEqual({});
		expect(host.state).toEqual({ phase: 'asked', name: 'Phone' });
		expect(host.allow('Laptop', NOW)).toEqual({ notice: { code: 'confirm-first' } });
		expect(host.remember('Laptop', NOW)).toEqual({ notice: { code: 'confirm-first' } });
		expect(host.state).toEqual({ phase: 'asked', name: 'Phone' });
		gates.host = true;
		agreed(guest.receive(sent(host.allow('Laptop', NOW)), NOW));
	});

	it('asks its gate at every step: a device that took the other seat since is not confirmed', () => {
		const gates = { host: true, guest: true };
		const { host, guest } = pair(gates);
		const request = sent(host.remember('Laptop', NOW));
		host.closed();
		guest.closed();
		gates.guest = false;
		guest.receive(request, NOW);
		expect(guest.allow('Phone', NOW)).toEqual({ notice: { code: 'confirm-first' } });
		expect(guest.state).toEqual({ phase: 'asked', name: 'Laptop' });
	});

	it('stores nothing when the channel closes while asking or asked', () => {
		const { host, guest } = pair();
		const request = host.remember('Laptop', NOW);
		guest.receive(sent(request), NOW);
		const closed = { code: 'closed' };
		expect(host.closed()).toEqual({ notice: closed });
		expect(guest.closed()).toEqual({ notice: closed });
		expect(host.state).toEqual({ phase: 'idle' });
		expect(guest.state).toEqual({ phase: 'idle' });
		expect(guest.allow('Phone', NOW).agreed).toBeUndefined();
		expect(host.closed()).toEqual({});
	});

	it('ignores a repeated or out-of-order message, saying why', () => {
		const { host, guest } = pair();
		const nonce = Buffer.alloc(32, 1).toString('base64');
		expect(host.receive({ t: 'remember-accept', name: 'Phone', nonce }, NOW)).toEqual({
			notice: { code: 'unasked-answer' },
		});
		expect(host.receive({ t: 'remember-decline' }, NOW)).toEqual({
			notice: { code: 'unasked-answer' },
		});
		expect(host.state).toEqual({ phase: 'idle' });
		const request = sent(host.remember('Laptop', NOW));
		expect(host.remember('Laptop', NOW)).toEqual({
			notice: { code: 'waiting' },
		});
		guest.receive(request, NOW);
		expect(guest.receive(request, NOW)).toEqual({
			notice: { code: 'asked-twice' },
		});
		expect(guest.state).toEqual({ phase: 'asked', name: 'Laptop' });
		expect(host.allow('Laptop', NOW)).toEqual({ notice: { code: 'not-asked' } });
		expect(host.notNow()).toEqual({ notice: { code: 'not-asked' } });
		const accept = sent(guest.allow('Phone', NOW));
		agreed(host.receive(accept, NOW));
		expect(host.receive(accept, NOW)).toEqual({
			notice: { code: 'unasked-answer' },
		});
	});

	it('declines a new request once both remembered each other, and asks nothing itself', () => {
		const { host, guest } = pair();
		const request = sent(host.remember('Laptop', NOW));
		guest.receive(request, NOW);
		host.receive(sent(guest.allow('Phone', NOW)), NOW);
		expect(host.remember('Laptop', NOW)).toEqual({ notice: { code: 'already' } });
		expect(guest.receive(request, NOW)).toEqual({
			send: { t: 'remember-decline' },
			notice: { code: 'already' },
		});
		expect(host.closed()).toEqual({});
		expect(host.state).toEqual({ phase: 'remembered', name: 'Phone' });
	});

	it('sends its name cleaned, and refuses to ask or allow with no name at all', () => {
		const { host, guest } = pair();
		const request = sent(host.remember('  My\u202E\nlaptop ', NOW));
		expect(request).toMatchObject({ name: 'My laptop' });
		expect(guest.allow('\u200B \n', NOW)).toEqual({ notice: { code: 'not-asked' } });
		guest.receive(request, NOW);
		expect(guest.allow('\u200B \n', NOW)).toEqual({
			notice: { code: 'name-needed' },
		});
		expect(guest.state).toEqual({ phase: 'asked', name: 'My laptop' });
		expect(host.notNow()).toEqual({ notice: { code: 'not-asked' } });
	});
});
