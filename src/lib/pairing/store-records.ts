// What a device keeps of a remembered pairing, as plain data with a version number, so the IndexedDB store
// can be read by a later version; a record that is damaged or newer is refused in plain words, never thrown.
import { isBase64Of32Bytes, isDeviceName } from '../protocol/remember';
import { isSessionId, type Role } from '../protocol/signaling';
import { isObject, parseShape, rule, type Result, type Shape } from '../protocol/validate';
import { fromBase64, toBase64 } from '../protocol/base64';

/** One remembered device, as the app uses it. */
export interface PairingRecord {
	/** The pairing room's id (derived from the secret), also the record's key in the store. */
	id: string;
	/** The other device's name, as it sent it. */
	name: string;
	/** The long-term pairing secret (32 bytes), from which the tokens and keys are derived again. */
	secret: Uint8Array<ArrayBuffer>;
	/** This device's role in the session that paired them: its seat's token is `tokens[role]`. */
	role: Role;
	/** When both devices agreed, in milliseconds since 1970. */
	createdAt: number;
}

export const RECORD_VERSION = 1;

/** A record as stored: JSON-safe, the secret in base64. */
export interface StoredRecord {
	v: typeof RECORD_VERSION;
	id: string;
	name: string;
	secret: string;
	role: Role;
	createdAt: number;
}

export function serializeRecord(record: PairingRecord): StoredRecord {
	const { id, name, secret, role, createdAt } = record;
	return { v: RECORD_VERSION, id, name, secret: toBase64(secret), role, createdAt };
}

const isRole = (v: unknown): v is Role => v === 'host' || v === 'guest';

const STORED: Shape = {
	v: rule((v) => v === RECORD_VERSION, 'its version is unknown'),
	id: rule(isSessionId, 'its id is not 20 letters or digits'),
	name: rule(isDeviceName, 'its name is not a device name'),
	secret: rule(isBase64Of32Bytes, 'its secret is not 32 bytes'),
	role: rule(isRole, 'its role is neither host nor guest'),
	createdAt: rule((v) => Number.isSafeInteger(v) && (v as number) >= 0, 'its date is not a time'),
};

const isNewer = (value: Record<string, unknown>): boolean =>
	Number.isSafeInteger(value.v) && (value.v as number) > RECORD_VERSION;

/** Reads a stored record back, or says in plain words why it cannot be used. */
export function parseRecord(value: unknown): Result<PairingRecord, string> {
	const damaged = (what: string): Result<PairingRecord, string> => ({
		ok: false,
		error: `A remembered device could not be read: ${what}. Forget it and pair again by QR code.`,
	});
	if (!isObject(value) || ArrayBuffer.isView(value)) return damaged('it is not a record');
	if (isNewer(value)) {
		return {
			ok: false,
			error:
				'A remembered device was saved by a newer version of Pairbeam. Reload the app to use it, or forget it.',
		};
	}
	const parsed = parseShape(value, STORED, 'it');
	if (!parsed.ok) return damaged(parsed.error);
	const stored = parsed.value as unknown as StoredRecord;
	const { id, name, role, createdAt } = stored;
	return { ok: true, value: { id, name, secret: fromBase64(stored.secret), role, createdAt } };
}
