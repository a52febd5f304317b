// Where two devices meet and how they know each other, so one Connection serves both kinds of room: a QR
// session's (id, token and KEY from the link) and a remembered pairing's (all derived from its secret).
import type { PairingCredentials } from '../pairing/derive';
import type { Role } from '../protocol/signaling';
import { deriveKeys, type PairingKeys } from '../rtc/sdp-auth';
import type { PairingLink } from './deep-link';

export interface Meeting {
	/** The room's signaling socket, as a path on the app's origin. */
	readonly socketPath: string;
	/** This device's join token for that room. */
	readonly token: string;
	/** The SDP-signing and verification-code keys both devices hold. */
	keys(): Promise<PairingKeys>;
	/** A QR session's KEY and id, from which two devices may derive a pairing to remember; absent in a pairing's room. */
	readonly session?: { key: string; sessionId: string };
	/**
	 * The device that authenticates here is the remembered one (only it holds the pairing's keys), so nothing
	 * waits for its code to be confirmed; in a QR session anyone who saw the code could have joined.
	 */
	readonly remembered?: boolean;
}

/** The room of a QR session: its keys come from the link's KEY, bound to the session id. */
export function sessionMeeting(link: PairingLink): Meeting {
	return {
		socketPath: `/api/sessions/${link.id}/ws`,
		token: link.token,
		keys: () => deriveKeys(link.key, link.id),
		session: { key: link.key, sessionId: link.id },
	};
}

/** The room of a remembered pairing, entered by this device's own seat (`role`, as it was when they paired). */
export function pairingMeeting(credentials: PairingCredentials, role: Role): Meeting {
	return {
		socketPath: `/api/pairings/${credentials.roomId}/ws`,
		token: credentials.tokens[role],
		keys: () => Promise.resolve(credentials.keys),
		remembered: true,
	};
}
