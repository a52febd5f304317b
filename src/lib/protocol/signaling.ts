// The signaling wire contract (DESIGN.md), shared by the Worker and the app so that both sides accept
// exactly the same frames. Validators return values, never throw, so each caller can answer with a code.

import { hasOnlyKeys, isObject, isOptional, isString, type JsonObject, type Result } from './validate';

export const SESSION_ID_LENGTH = 20;
export const SESSION_TOKEN_LENGTH = 32;
export const MAX_FRAME_BYTES = 16 * 1024;
export const JOIN_TIMEOUT_MS = 5_000;
export const SESSION_TTL_MS = 10 * 60 * 1000;

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

export const CloseCode = {
	malformed: 4400,
	wrongToken: 4401,
	noSession: 4404,
	joinTimeout: 4408,
	full: 4409,
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

/** An SDP offer or answer, with an optional authentication tag added by the app. */
export interface DescriptionSignal {
	kind: 'description';
	description: { type: 'offer' | 'answer'; sdp: string };
	auth?: string;
}

/** A trickled ICE candidate; `null` marks the end of gathering. */
export interface CandidateSignal {
	kind: 'candidate';
	candidate: {
		candidate: string;
		sdpMid?: string | null;
		sdpMLineIndex?: number | null;
		usernameFragment?: string | null;
	} | null;
}

export type SignalData = DescriptionSignal | CandidateSignal;

export type ClientMessage = { type: 'join'; token: string } | { type: 'signal'; data: SignalData };

export type ServerMessage =
	| {
			type: 'joined';
			role: Role;
			peerPresent: boolean;
			iceServers: IceServer[];
			/** 'relay' when the operator wants every connection through TURN (hides addresses). */
			iceTransportPolicy: IceTransportPolicy;
	  }
	| { type: 'peer-joined' }
	/** `left`: the peer closed its socket on purpose (page closed, Leave); `dropped`: it lost the connection. */
	| { type: 'peer-left'; reason: LeaveReason }
	| { type: 'signal'; data: SignalData }
	| { type: 'error'; code: CloseCode; message: string };

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

export function isSessionId(value: unknown): value is string {
	return typeof value === 'string' && value.length === SESSION_ID_LENGTH && ALPHANUMERIC.test(value);
}

export function isSessionToken(value: unknown): value is string {
	return typeof value === 'string' && value.length === SESSION_TOKEN_LENGTH && ALPHANUMERIC.test(value);
}

function parseCandidate(value: unknown): Parsed<CandidateSignal['candidate']> {
	if (value === null) return ok(null);
	if (!isObject(value)) return malformed('candidate must be an object or null');
	if (!hasOnlyKeys(value, ['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment'])) {
		return malformed('candidate has unknown fields');
	}
	if (!isString(value.candidate)) return malformed('candidate.candidate must be a string');
	if (!isOptional(value.sdpMid, isString)) return malformed('candidate.sdpMid must be a string');
	if (!isOptional(value.usernameFragment, isString)) {
		return malformed('candidate.usernameFragment must be a string');
	}
	if (!isOptional(value.sdpMLineIndex, (v) => Number.isInteger(v) && (v as number) >= 0)) {
		return malformed('candidate.sdpMLineIndex must be a non-negative integer');
	}
	return ok(value as CandidateSignal['candidate']);
}

/** Validates the `data` of a signal frame: an SDP description or an ICE candidate. */
export function parseSignalData(value: unknown): Parsed<SignalData> {
	if (!isObject(value)) return malformed('signal data must be an object');
	if (value.kind === 'description') {
		if (!hasOnlyKeys(value, ['kind', 'description', 'auth'])) {
			return malformed('description signal has unknown fields');
		}
		const description = value.description;
		if (
			!isObject(description) ||
			!hasOnlyKeys(description, ['type', 'sdp']) ||
			(description.type !== 'offer' && description.type !== 'answer') ||
			!isString(description.sdp)
		) {
			return malformed('description must be {type: "offer"|"answer", sdp: string}');
		}
		if (value.auth !== undefined && !isString(value.auth)) {
			return malformed('description auth must be a string');
		}
		return ok(value as unknown as DescriptionSignal);
	}
	if (value.kind === 'candidate') {
		if (!hasOnlyKeys(value, ['kind', 'candidate'])) {
			return malformed('candidate signal has unknown fields');
		}
		const candidate = parseCandidate(value.candidate);
		return candidate.ok ? ok({ kind: 'candidate', candidate: candidate.value }) : candidate;
	}
	return malformed('signal data kind must be "description" or "candidate"');
}

function parseJsonObject(text: string): Parsed<JsonObject> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return malformed('frame is not valid JSON');
	}
	return isObject(value) ? ok(value) : malformed('frame must be a JSON object');
}

/** Validates one text frame sent by a client. Size is checked by the caller before parsing. */
export function parseClientMessage(text: string): Parsed<ClientMessage> {
	const parsed = parseJsonObject(text);
	if (!parsed.ok) return parsed;
	const frame = parsed.value;
	switch (frame.type) {
		case 'join':
			if (!hasOnlyKeys(frame, ['type', 'token'])) return malformed('join has unknown fields');
			if (frame.token === undefined) return malformed('join is missing its token');
			if (!isSessionToken(frame.token)) {
				return malformed(`token must be ${SESSION_TOKEN_LENGTH} letters or digits`);
			}
			return ok({ type: 'join', token: frame.token });
		case 'signal': {
			if (!hasOnlyKeys(frame, ['type', 'data'])) return malformed('signal has unknown fields');
			const data = parseSignalData(frame.data);
			return data.ok ? ok({ type: 'signal', data: data.value }) : data;
		}
		default:
			return malformed('frame type must be "join" or "signal"');
	}
}

function isIceServer(value: unknown): value is IceServer {
	if (!isObject(value)) return false;
	const urls = value.urls;
	const urlsOk = isString(urls) || (Array.isArray(urls) && urls.every(isString));
	return urlsOk && isOptional(value.username, isString) && isOptional(value.credential, isString);
}

/** Validates one frame received from the signaling server (the app does not trust it either). */
export function parseServerMessage(text: string): Parsed<ServerMessage> {
	const parsed = parseJsonObject(text);
	if (!parsed.ok) return parsed;
	const frame = parsed.value;
	switch (frame.type) {
		case 'joined':
			if (
				(frame.role !== 'host' && frame.role !== 'guest') ||
				typeof frame.peerPresent !== 'boolean' ||
				!Array.isArray(frame.iceServers) ||
				!frame.iceServers.every(isIceServer) ||
				(frame.iceTransportPolicy !== 'all' && frame.iceTransportPolicy !== 'relay')
			) {
				return malformed('joined frame is malformed');
			}
			return ok({
				type: 'joined',
				role: frame.role,
				peerPresent: frame.peerPresent,
				iceServers: frame.iceServers,
				iceTransportPolicy: frame.iceTransportPolicy,
			});
		case 'peer-joined':
			return ok({ type: frame.type });
		case 'peer-left':
			if (frame.reason !== 'left' && frame.reason !== 'dropped')
				return malformed('peer-left frame is malformed');
			return ok({ type: frame.type, reason: frame.reason });
		case 'signal': {
			const data = parseSignalData(frame.data);
			return data.ok ? ok({ type: 'signal', data: data.value }) : data;
		}
		case 'error':
			if (!CLOSE_CODES.includes(frame.code as number) || !isString(frame.message)) {
				return malformed('error frame is malformed');
			}
			return ok({ type: 'error', code: frame.code as CloseCode, message: frame.message });
		default:
			return malformed('unknown server frame type');
	}
}
