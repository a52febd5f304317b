import { describe, expect, it } from 'vitest';
import { SendGate } from '../../src/lib/session/send-gate';

const STRANGER = 'sha-256 AA:01';
const PEER = 'sha-256 BB:02';

describe('send gate', () => {
	it('holds everything until the user confirms the connected device by its code, then lets later sends through', () => {
		const gate = new SendGate<string>();
		expect(gate.offer(['a.bin'])).toEqual([]);
		gate.connected(PEER, '123 456');
		expect(gate.offer(['hello'])).toEqual([]);
		expect(gate.held).toEqual(['a.bin', 'hello']);
		expect(gate.awaiting).toBe('123 456');
		expect(gate.confirmed).toBe(false);

		expect(gate.confirm('123 456')).toEqual(['a.bin', 'hello']);
		expect(gate.held).toEqual([]);
		expect(gate.awaiting).toBeNull();
		expect(gate.confirmed).toBe(true);
		expect(gate.offer(['b.bin'])).toEqual(['b.bin']);
	});

	it('has nothing to confirm before a device is connected, and refuses a code the connected device does not show', () => {
		const gate = new SendGate<string>();
		gate.offer(['a.bin']);
		expect(gate.awaiting).toBeNull();
		expect(gate.confirm('123 456')).toBeNull();
		gate.connected(PEER, '123 456');
		expect(gate.confirm('654 321')).toBeNull();
		expect(gate.held).toEqual(['a.bin']);
		expect(gate.confirmed).toBe(false);
	});

	it('keeps the queue for the real peer when a stranger joined first and left for good', () => {
		const gate = new SendGate<string>();
		gate.offer(['a.bin']);
		gate.connected(STRANGER, '111 111');
		gate.offer(['typed while the stranger was there']);
		gate.peerGone();
		expect(gate.awaiting).toBeNull();
		gate.connected(PEER, '222 222');
		expect(gate.awaiting).toBe('222 222');
		expect(gate.confirm('111 111')).toBeNull();
		expect(gate.confirm('222 222')).toEqual(['a.bin', 'typed while the stranger was there']);
	});

	it('ends the confirmation when the device leaves for good, or another device takes its place', () => {
		const left = new SendGate<string>();
		left.connected(PEER, '222 222');
		left.confirm('222 222');
		left.peerGone();
		expect(left.confirmed).toBe(false);
		left.connected(PEER, '222 222');
		expect(left.offer(['a.bin'])).toEqual([]);
		expect(left.awaiting).toBe('222 222');

		const taken = new SendGate<string>();
		taken.connected(PEER, '222 222');
		taken.confirm('222 222');
		taken.disconnected();
		taken.connected(STRANGER, '333 333');
		expect(taken.confirmed).toBe(false);
		expect(taken.offer(['a.bin'])).toEqual([]);
		expect(taken.awaiting).toBe('333 333');
		// The confirmed device coming back later does not bring its confirmation back either.
		taken.disconnected();
		taken.connected(PEER, '222 222');
		expect(taken.awaiting).toBe('222 222');
	});

	it('needs no new tap when the same device comes back on a new peer connection, and sends what waited meanwhile', () => {
		const gate = new SendGate<string>();
		gate.connected(PEER, '222 222');
		gate.confirm('222 222');
		gate.disconnected();
		expect(gate.confirmed).toBe(true);
		expect(gate.offer(['picked while reconnecting'])).toEqual([]);
		expect(gate.awaiting).toBeNull();
		expect(gate.connected(PEER, '444 444')).toEqual(['picked while reconnecting']);
		expect(gate.awaiting).toBeNull();
		expect(gate.offer(['c.bin'])).toEqual(['c.bin']);
	});

	it('forgets an item the user removed', () => {
		const gate = new SendGate<{ name: string }>();
		const a = { name: 'a' };
		const b = { name: 'b' };
		gate.offer([a, b]);
		gate.remove(a);
		gate.connected(PEER, '222 222');
		expect(gate.confirm('222 222')).toEqual([b]);
	});
});
