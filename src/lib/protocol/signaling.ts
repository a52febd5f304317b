// The signaling wire contract, shared by the Worker and the app so that both sides accept exactly the same
// frames: one table of fields per message type. Validators return values, never throw, so each caller can
// answer with a close code and a reason.

import {
	isObject,
	isString,
	optional,
	parseShape,
	parseTagged,
	required,
	rule,
	type JsonObject,
	type Result,
	type Rule,
	type Shape,
} from './validate';

export const SESSION_ID_LENGTH = 20;
export const SESSION_TOKEN_LENGTH = 32;
/** A seat secret: handed to a peer in `joined`, sent back in `join` to take the same seat again. */
export const SEAT_SECRET_LENGTH = 32;
/** Largest signaling frame, in UTF-8 bytes (an SDP with many candidates stays well below). */
export const MAX_SIGNAL_FRAME_BYTES = 16 * 1024;
export const JOIN_TIMEOUT_MS = 5_000;
export const SESSION_TTL_MS = 10 * 60 * 1000;
/** A remembered pairing's room is deleted once nobody joined or left it for this long. */
export const PAIRING_IDLE_TTL_MS = 90 * 24 * 60 * 60 * 1000;
/** Largest body of a pairing registration or forget request, in bytes. */
export const MAX_PAIRING_REQUEST_BYTES = 1024;

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

export const CloseCode = {
	malformed: 4400,
	wrongToken: 4401,
	/** One of a remembered pairing's two devices forgot it: its room admits nobody any more. */
	forgotten: 4403,
	noSession: 4404,
	joinTimeout: 4408,
	full: 4409,
	/** A newer socket took this seat back with its seat secret (the old one was stale or half-open). */
	replaced: 4410,
	tooLarge: 4413,
	rateLimited: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
export const CLOSE_CODES: readonly number[] = Object.values(CloseCode);

export type Role = 'host' | 'guest';
export type IceTransportPolicy = 'all' | 'relay';
export type LeaveReason = 'left' | 'dropped';

export interface IceServer {
	urls: string | string[];
	username?: string;
	credential?: string;
}

/**
 * Peer connections two devices may open at once: lane 0 is the first, the others carry a share of the data
 * (one SCTP association per lane, so random loss slows one lane, not all). A signal without `lane` is lane 0.
 */
export const MAX_LANES = 4;

/** An SDP offer or answer, with an optional authentication tag added by the app. */
export interface DescriptionSignal {
	kind: 'description';
	description: { type: 'offer' | 'answer'; sdp: string };
	auth?: string;
	lane?: number;
}

/** A trickled ICE candidate; `null` marks the end of gathering. */
export interface CandidateSignal {
	kind: 'candidate';
	lane?: number;
	candidate: {
		candidate: string;
		sdpMid?: string | null;
		sdpMLineIndex?: number | null;
		usernameFragment?: string | null;
	} | null;
}

/** What one peer connection's two ends exchange. */
export type PeerSignal = DescriptionSignal | CandidateSignal;

/**
 * A remembered device was tapped on the host: the guest, which opens every peer connection, starts one now
 * (in a pairing's room both devices wait, present but idle, until one of them is tapped).
 */
export interface KnockSignal {
	kind: 'knock';
}

export type SignalData = PeerSignal | KnockSignal;

/** `seat`: the seat secret from an earlier `joined`, to take that seat back (omitted on a first join). */
export type ClientMessage =
	{ type: 'join'; token: string; seat?: string } | { type: 'signal'; data: SignalData };

export type ServerMessage =
	| {
			type: 'joined';
			role: Role;
			peerPresent: boolean;
			iceServers: IceServer[];
			/** 'relay' when the operator wants every connection through TURN (hides addresses). */
			iceTransportPolicy: IceTransportPolicy;
			/** This seat's secret: keep it in memory and send it with every rejoin. */
			seat: string;
	  }
	| { type: 'peer-joined' }
	/** `left`: the peer closed its socket on purpose (page closed, Leave); `dropped`: it lost the connection. */
	| { type: 'peer-left'; reason: LeaveReason }
	| { type: 'signal'; data: SignalData }
	| { type: 'error'; code: CloseCode; message: string };

/**
 * `POST /api/pairings`: a remembered pairing's room id and its two join tokens, which the server keeps only
 * as SHA-256 digests. All three are derived from the pairing secret (src/lib/pairing/derive.ts).
 */
export interface PairingRegistration {
	id: string;
	hostToken: string;
	guestToken: string;
}

/** `POST /api/pairings/:id/forget`: the forgetting device's own join token. */
export interface PairingForget {
	token: string;
}

export interface ProtocolError {
	code: CloseCode;
	reason: string;
}

export type Parsed<T> = Result<T, ProtocolError>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const malformed = <T>(reason: string): Parsed<T> => ({
	ok: false,
	error: { code: CloseCode.malformed, reason },
});
/** A shared-validator result with its reason turned into a 4400 refusal. */
const asParsed = <T>(result: Result<unknown, string>): Parsed<T> =>
	result.ok ? ok(result.value as T) : malformed(result.error);

const isAlphanumeric = (value: unknown, length: number): value is string =>
	typeof value === 'string' && value.length === length && ALPHANUMERIC.test(value);

export function isSessionId(value: unknown): value is string {
	return isAlphanumeric(value, SESSION_ID_LENGTH);
}

export function isSessionToken(value: unknown): value is string {
	return isAlphanumeric(value, SESSION_TOKEN_LENGTH);
}

export function isSeatSecret(value: unknown): value is string {
	return isAlphanumeric(value, SEAT_SECRET_LENGTH);
}

const isIndex = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isDescription = (v: unknown) =>
	isObject(v) &&
	Object.keys(v).every((key) => key === 'type' || key === 'sdp') &&
	(v.type === 'offer' || v.type === 'answer') &&
	isString(v.sdp);

const CANDIDATE: Shape = {
	candidate: rule(isString, 'candidate.candidate must be a string'),
	sdpMid: optional(rule(isString, 'candidate.sdpMid must be a string')),
	sdpMLineIndex: optional(rule(isIndex, 'candidate.sdpMLineIndex must be a non-negative integer')),
	usernameFragment: optional(rule(isString, 'candidate.usernameFragment must be a string')),
};

const parseCandidate: Rule = (value) => {
	if (value === null) return { ok: true, value };
	if (!isObject(value)) return { ok: false, error: 'candidate must be an object or null' };
	return parseShape(value, CANDIDATE, 'candidate');
};

const lane = rule(
	(v) => v === undefined || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < MAX_LANES),
	`lane must be an integer from 0 to ${MAX_LANES - 1}`,
);

/** The kinds of signal data, one line each: an SDP description or a trickled ICE candidate. */
const SIGNAL_DATA: Record<SignalData['kind'], Shape> = {
	description: {
		description: rule(isDescription, 'description must be {type: "offer"|"answer", sdp: string}'),
		auth: optional(rule(isString, 'description auth must be a string')),
		lane,
	},
	candidate: { candidate: parseCandidate, lane },
	knock: {},
};

const parseData: Rule<SignalData> = (value) =>
	parseTagged(value, 'kind', SIGNAL_DATA, {
		notObject: 'signal data must be an object',
		unknownTag: 'signal data kind must be "description", "candidate" or "knock"',
	}) as Result<SignalData, string>;

/** Validates the `data` of a signal frame: an SDP description or an ICE candidate. */
export function parseSignalData(value: unknown): Parsed<SignalData> {
	return asParsed(parseData(value));
}

/** What a client may send, one line per message type. */
const CLIENT_MESSAGES: Record<ClientMessage['type'], Shape> = {
	join: {
		token: required(
			rule(isSessionToken, `token must be ${SESSION_TOKEN_LENGTH} letters or digits`),
			'join is missing its token',
		),
		seat: rule(
			(v) => v === undefined || isSeatSecret(v),
			`seat must be ${SEAT_SECRET_LENGTH} letters or digits`,
		),
	},
	signal: { data: parseData },
};

const isIceServer = (value: unknown): boolean =>
	isObject(value) &&
	(isString(value.urls) || (Array.isArray(value.urls) && value.urls.every(isString))) &&
	(value.username === undefined || isString(value.username)) &&
	(value.credential === undefined || isString(value.credential));

/** What the server may send, one line per message type. */
const SERVER_MESSAGES: Record<ServerMessage['type'], Shape> = {
	joined: {
		role: rule((v) => v === 'host' || v === 'guest', 'joined role must be "host" or "guest"'),
		peerPresent: rule((v) => typeof v === 'boolean', 'joined peerPresent must be true or false'),
		iceServers: rule(
			(v) => Array.isArray(v) && v.every(isIceServer),
			'joined iceServers must be a list of {urls, username?, credential?}',
		),
		iceTransportPolicy: rule(
			(v) => v === 'all' || v === 'relay',
			'joined iceTransportPolicy must be "all" or "relay"',
		),
		seat: rule(isSeatSecret, `joined seat must be ${SEAT_SECRET_LENGTH} letters or digits`),
	},
	'peer-joined': {},
	'peer-left': {
		reason: rule((v) => v === 'left' || v === 'dropped', 'peer-left reason must be "left" or "dropped"'),
	},
	signal: { data: parseData },
	error: {
		code: rule((v) => CLOSE_CODES.includes(v as number), 'error code must be a signaling close code'),
		message: rule(isString, 'error message must be a string'),
	},
};

function parseJson(text: string): Parsed<unknown> {
	try {
		return ok(JSON.parse(text));
	} catch {
		return malformed('frame is not valid JSON');
	}
}

/** Validates one text frame sent by a client. Size is checked by the caller before parsing. */
export function parseClientMessage(text: string): Parsed<ClientMessage> {
	const json = parseJson(text);
	if (!json.ok) return json;
	return asParsed(
		parseTagged(json.value, 'type', CLIENT_MESSAGES, {
			notObject: 'frame must be a JSON object',
			unknownTag: 'frame type must be "join" or "signal"',
		}),
	);
}

/**
 * Validates one frame received from the signaling server (the app does not trust it either). Fields it
 * does not know are dropped, not refused: an installed app may be older than the server it talks to.
 */
export function parseServerMessage(text: string): Parsed<ServerMessage> {
	const json = parseJson(text);
	if (!json.ok) return json;
	return asParsed(
		parseTagged(
			json.value,
			'type',
			SERVER_MESSAGES,
			{ notObject: 'frame must be a JSON object', unknownTag: 'unknown server frame type' },
			'ignore',
		),
	);
}

const pairingToken = (name: string) =>
	rule(isSessionToken, `${name} must be ${SESSION_TOKEN_LENGTH} letters or digits`);

/** The bodies of the two pairing requests, one line per field. */
const PAIRING_REGISTRATION: Shape = {
	id: rule(isSessionId, `id must be ${SESSION_ID_LENGTH} letters or digits`),
	hostToken: pairingToken('hostToken'),
	guestToken: pairingToken('guestToken'),
};
const PAIRING_FORGET: Shape = { token: pairingToken('token') };

/** A JSON request body checked against `shape`; unknown fields are refused. */
function parseRequest(text: string, shape: Shape, name: string): Result<JsonObject, string> {
	const json = parseJson(text);
	if (!json.ok) return { ok: false, error: 'body is not valid JSON' };
	if (!isObject(json.value)) return { ok: false, error: `${name} must be a JSON object` };
	return parseShape(json.value, shape, name);
}

/** Validates a pairing registration body; the reason says what is wrong, in plain words. */
export function parsePairingRegistration(text: string): Result<PairingRegistration, string> {
	const parsed = parseRequest(text, PAIRING_REGISTRATION, 'registration');
	if (!parsed.ok) return parsed;
	const value = parsed.value as unknown as PairingRegistration;
	if (value.hostToken === value.guestToken) {
		return { ok: false, error: 'hostToken and guestToken must differ' };
	}
	return { ok: true, value };
}

/** Validates a forget request body. */
export function parsePairingForget(text: string): Result<PairingForget, string> {
	return parseRequest(text, PAIRING_FORGET, 'forget request') as Result<PairingForget, string>;
}
