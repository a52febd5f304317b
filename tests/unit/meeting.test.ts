import { describe, expect, it } from 'vitest';
import { derivePairingSecret, pairingCredentials } from '../../src/lib/pairing/derive';
import { deriveKeys, verificationCode } from '../../src/lib/rtc/sdp-auth';
import { pairingMeeting, sessionMeeting } from '../../src/lib/session/meeting';

const LINK = { id: 'AbCdEfGhIjKlMnOpQrSt', token: 'T'.repeat(32), key: 'k'.repeat(16) + 'Q1w2E3r4T5y6U7i8' };
const LOCAL = 'v=0\r\na=fingerprint:sha-256 AA:BB\r\n';
const REMOTE = 'v=0\r\na=fingerprint:sha-256 CC:DD\r\n';

describe('where two devices meet', () => {
	it('a QR session: its room by id, the link token, and the keys from KEY bound to that id', async () => {
		const meeting = sessionMeeting(LINK);
		expect(meeting.socketPath).toBe(`/api/sessions/${LINK.id}/ws`);
		expect(meeting.token).toBe(LINK.token);
		const code = await verificationCode(await meeting.keys(), LOCAL, REMOTE);
		expect(code).toBe(await verificationCode(await deriveKeys(LINK.key, LINK.id), LOCAL, REMOTE));
		expect(code).not.toBe(await verificationCode(await deriveKeys(LINK.key, 'x'.repeat(20)), LOCAL, REMOTE));
	});

	it('a remembered pairing: its derived room, this seat’s own token, and the keys from the secret', async () => {
		const nonces = { host: new Uint8Array(32).fill(1), guest: new Uint8Array(32).fill(2) };
		const credentials = await pairingCredentials(await derivePairingSecret(LINK.key, LINK.id, nonces));
		for (const role of ['host', 'guest'] as const) {
			const meeting = pairingMeeting(credentials, role);
			expect(meeting.socketPath).toBe(`/api/pairings/${credentials.roomId}/ws`);
			expect(meeting.token).toBe(credentials.tokens[role]);
			expect(await meeting.keys()).toBe(credentials.keys);
		}
		expect(credentials.tokens.host).not.toBe(credentials.tokens.guest);
	});
});
