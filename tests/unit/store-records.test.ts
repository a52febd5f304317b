import { describe, expect, it } from 'vitest';
import { parseRecord, serializeRecord, type PairingRecord } from '../../src/lib/pairing/store-records';

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
const record: PairingRecord = {
	id: 'AbCdEfGhIjKlMnOpQrSt',
	name: 'Firefox on Windows',
	secret: SECRET,
	role: 'guest',
	createdAt: 1_796_000_000_000,
};
const stored = () => ({ ...serializeRecord(record) }) as Record<string, unknown>;
const damaged = (what: string) => ({
	ok: false,
	error: `A remembered device could not be read: ${what}. Forget it and pair again by QR code.`,
});

describe('stored pairing records', () => {
	it('are plain data with a version, the secret in base64, and read back as they were', () => {
		const plain = serializeRecord(record);
		expect(plain).toEqual({
			v: 1,
			id: record.id,
			name: record.name,
			secret: Buffer.from(SECRET).toString('base64'),
			role: 'guest',
			createdAt: record.createdAt,
		});
		expect(JSON.parse(JSON.stringify(plain))).toEqual(plain);
		const back = parseRecord(structuredClone(plain));
		expect(back).toEqual({ ok: true, value: record });
		if (back.ok) expect(back.value.secret).toBeInstanceOf(Uint8Array);
	});

	it('refuse what is not a record, in plain words', () => {
		for (const value of [undefined, null, 'x', 42, [], new Uint8Array(3)]) {
			expect(parseRecord(value)).toEqual(damaged('it is not a record'));
		}
	});

	it('refuse a damaged field, saying which', () => {
		const cases: [string, unknown, string][] = [
			['id', 'short', 'its id is not 20 letters or digits'],
			['id', undefined, 'its id is not 20 letters or digits'],
			['name', '', 'its name is not a device name'],
			['name', 'bad\u202Ename', 'its name is not a device name'],
			['secret', Buffer.alloc(31).toString('base64'), 'its secret is not 32 bytes'],
			['secret', SECRET, 'its secret is not 32 bytes'],
			['role', 'admin', 'its role is neither host nor guest'],
			['createdAt', -1, 'its date is not a time'],
			['createdAt', 1.5, 'its date is not a time'],
			['createdAt', '2026-12-01', 'its date is not a time'],
			['extra', true, 'it has unknown fields'],
		];
		for (const [field, value, what] of cases) {
			expect(parseRecord({ ...stored(), [field]: value }), field).toEqual(damaged(what));
		}
	});

	it('tell a record of a newer version apart from a damaged one', () => {
		expect(parseRecord({ ...stored(), v: 2 })).toEqual({
			ok: false,
			error:
				'A remembered device was saved by a newer version of Pairbeam. Reload the app to use it, or forget it.',
		});
		for (const v of [0, undefined, '1', 1.5]) {
			expect(parseRecord({ ...stored(), v })).toEqual(damaged('its version is unknown'));
		}
	});

	it('never throw, whatever is stored', () => {
		const odd = [
			Object.create(null),
			{ ...stored(), __proto__: { v: 1 } },
			{ ...stored(), name: { toString: () => 'x' } },
			{ ...stored(), secret: 'x'.repeat(1_000_000) },
		];
		for (const value of odd) expect(() => parseRecord(value)).not.toThrow();
		expect(parseRecord(odd[1]).ok).toBe(true);
	});
});
