// The DataChannel wire format: one binary message per frame, a kind byte first, so file data needs no
// base64 or JSON and the receiver can reject anything malformed before it touches a file or the UI.

import { MAX_PATH_CHARS, utf8Length, validatePath, type PathProblem } from './paths';
import { REMEMBER_MESSAGES, type RememberMessage } from './remember';
import {
	isObject,
	isString,
	parseShape,
	parseTagged,
	optional,
	rule,
	type Result,
	type Rule,
	type Shape,
} from './validate';

export const FRAME_CONTROL = 1;
export const FRAME_DATA = 2;
/** Kind byte, file index (uint32 big-endian), byte offset (uint64 big-endian). */
export const DATA_HEADER_BYTES = 13;
export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_FRAME_BYTES = MAX_PAYLOAD_BYTES + DATA_HEADER_BYTES;

/** Files in one offer, which may come in several frames. */
export const MAX_FILES = 50_000;
/** Empty folders (folders holding no file) in one offer. */
export const MAX_FOLDERS = 10_000;
/** The frames of one offer, added up: what a receiver holds while an offer arrives. */
export const MAX_OFFER_BYTES = 16 * 1024 * 1024;
export const MAX_NAME_CHARS = 1024;
export const MAX_TYPE_CHARS = 255;
export const MAX_TEXT_CHARS = 64 * 1024;

/** Chunks are never smaller than this, even if the peer announces a tiny message size. */
const MIN_CHUNK_BYTES = 16 * 1024;
/** Chrome and Firefox both accept 256 KiB messages; larger announced limits are not trusted further. */
export const SAFE_MESSAGE_BYTES = 256 * 1024;

/**
 * The largest payload a data frame may carry on a channel whose SCTP `maxMessageSize` is given: the frame
 * (payload + header) fits both that size and 256 KiB, and is at least 16 KiB. As large as allowed, not a
 * power of two: 256 KiB messages ran 15% faster than 128 KiB ones here (20.7 vs 18.0 MB/s, bare channel).
 * `Infinity`, 0, NaN and negative values (no or unknown limit) count as 256 KiB.
 */
export function chunkSizeFor(maxMessageSize: number): number {
	const announced =
		Number.isFinite(maxMessageSize) && maxMessageSize > 0 ? maxMessageSize : SAFE_MESSAGE_BYTES;
	return Math.max(
		MIN_CHUNK_BYTES,
		Math.min(announced, SAFE_MESSAGE_BYTES, MAX_FRAME_BYTES) - DATA_HEADER_BYTES,
	);
}

export interface FileMeta {
	name: string;
	size: number;
	type: string;
	lastModified: number;
	/** Where the file sits in the folder sent, relative to it and ending in `name` ("photos/2026/a.jpg"). */
	path?: string;
}

/** What an offer's frames add up to: its files, and the folders that hold none. */
export interface Offer {
	files: FileMeta[];
	folders: string[];
}

/**
 * Why a cancel was sent, as a code the other side words in its own language: a person cancelled, or the
 * offer was refused (a path it cannot save), a file could not be read (sender) or saved (receiver: disk
 * full, not allowed, other), a saved file failed its check, the other device broke the protocol, or else.
 */
export const CANCEL_REASONS = [
	'cancelled',
	'refused',
	'unreadable',
	'disk-full',
	'not-allowed',
	'not-saved',
	'unverified',
	'protocol',
	'failed',
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export type ControlMessage =
	| { t: 'offer'; transfer: string; files: FileMeta[]; folders?: string[] }
	| { t: 'offer-part'; transfer: string; files: FileMeta[]; folders?: string[] }
	| { t: 'accept'; transfer: string; credit: number }
	| { t: 'decline'; transfer: string }
	| { t: 'credit'; transfer: string; credit: number }
	| { t: 'block'; transfer: string; index: number; block: number; sha256: string }
	| { t: 'file-end'; transfer: string; index: number; sha256: string }
	| { t: 'rewind'; transfer: string; index: number; offset: number }
	| { t: 'rewound'; transfer: string; index: number; offset: number }
	| { t: 'resume'; transfer: string; index: number; offset: number; credit: number }
	| { t: 'file-done'; transfer: string; index: number; size: number }
	| { t: 'cancel'; transfer: string; index: number | null; reason: CancelReason }
	| { t: 'text'; text: string }
	| RememberMessage;

/** What the hub hands to the app and sends for it, outside any transfer: text, and the remember handshake. */
export type PeerMessage = Extract<ControlMessage, { t: 'text' }> | RememberMessage;

export type Frame =
	| { kind: 'control'; message: ControlMessage }
	| { kind: 'data'; fileIndex: number; offset: number; payload: Uint8Array };

export interface FrameError {
	reason: string;
}

const ok = <T>(value: T): Result<T, FrameError> => ({ ok: true, value });
const fail = <T>(reason: string): Result<T, FrameError> => ({ ok: false, error: { reason } });

const TRANSFER_ID = /^[A-Za-z0-9_-]{1,64}$/;

const isTransferId = (v: unknown): v is string => isString(v) && TRANSFER_ID.test(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isIndex = (v: unknown): v is number =>
	Number.isInteger(v) && (v as number) >= 0 && (v as number) < MAX_FILES;
const isShortString = (v: unknown, max: number): v is string => isString(v) && v.length <= max;
/** A SHA-256 digest in standard base64 (44 characters). */
const isDigest = (v: unknown): v is string => isString(v) && /^[A-Za-z0-9+/]{43}=$/.test(v);
const isCancelReason = (v: unknown): v is CancelReason => (CANCEL_REASONS as readonly unknown[]).includes(v);

const count = (name: string): Rule<number> => rule(isCount, `${name} must be a non-negative integer`);
const transfer = rule(isTransferId, 'transfer must be 1 to 64 letters, digits, "_" or "-"');
const index = rule(isIndex, `index must be an integer below ${MAX_FILES}`);
const sha256 = rule(isDigest, 'sha256 must be a base64 SHA-256 digest');
const text = (name: string, max: number) =>
	rule((v) => isShortString(v, max), `${name} must be a string of at most ${max} characters`);

/** A path's form; what it says (no "..", no drive…) is checked by `offerProblem`, which can refuse an offer. */
const isPathText = (v: unknown): v is string => isShortString(v, MAX_PATH_CHARS) && v.length > 0;

/** The fields of the file at position `at` of an offer; reasons name that position. */
const fileMeta = (at: number): Shape => ({
	name: rule(
		(v) => isShortString(v, MAX_NAME_CHARS) && v.length > 0,
		`files[${at}].name must be 1 to ${MAX_NAME_CHARS} characters`,
	),
	size: count(`files[${at}].size`),
	type: text(`files[${at}].type`, MAX_TYPE_CHARS),
	lastModified: count(`files[${at}].lastModified`),
	path: optional(rule(isPathText, `files[${at}].path must be a string of 1 to ${MAX_PATH_CHARS} characters`)),
});

/** An offer's files: the last frame of an offer carries at least one, an `offer-part` may carry none. */
const parseFiles =
	(least: number): Rule<FileMeta[]> =>
	(value) => {
		if (!Array.isArray(value) || value.length < least || value.length > MAX_FILES) {
			return { ok: false, error: `offer files must be a list of ${least} to ${MAX_FILES} files` };
		}
		const files: FileMeta[] = [];
		for (const [at, item] of value.entries()) {
			if (!isObject(item)) return { ok: false, error: `files[${at}] must be an object` };
			const file = parseShape(item, fileMeta(at), `files[${at}]`);
			if (!file.ok) return file;
			files.push(file.value as unknown as FileMeta);
		}
		return { ok: true, value: files };
	};

const parseFolders: Rule<string[] | null | undefined> = optional((value) => {
	if (!Array.isArray(value) || value.length > MAX_FOLDERS) {
		return { ok: false, error: `offer folders must be a list of at most ${MAX_FOLDERS} paths` };
	}
	const bad = value.findIndex((v) => !isPathText(v));
	if (bad >= 0) {
		return { ok: false, error: `folders[${bad}] must be a string of 1 to ${MAX_PATH_CHARS} characters` };
	}
	return { ok: true, value: value as string[] };
});

/** Every control message, one line each: its fields in the order they are checked. */
const CONTROL_MESSAGES: Record<ControlMessage['t'], Shape> = {
	offer: { transfer, files: parseFiles(1), folders: parseFolders },
	'offer-part': { transfer, files: parseFiles(0), folders: parseFolders },
	accept: { transfer, credit: count('credit') },
	decline: { transfer },
	credit: { transfer, credit: count('credit') },
	block: { transfer, index, block: count('block number'), sha256 },
	'file-end': { transfer, index, sha256 },
	rewind: { transfer, index, offset: count('offset') },
	rewound: { transfer, index, offset: count('offset') },
	resume: { transfer, index, offset: count('offset'), credit: count('credit') },
	'file-done': { transfer, index, size: count('size') },
	cancel: {
		transfer,
		index: rule((v) => v === null || isIndex(v), `index must be null or an integer below ${MAX_FILES}`),
		reason: rule(isCancelReason, `reason must be one of ${CANCEL_REASONS.join(', ')}`),
	},
	text: { text: text('text', MAX_TEXT_CHARS) },
	...REMEMBER_MESSAGES,
};

/** Validates a decoded control message; the result is a fresh object holding only the known fields. */
export function parseControl(value: unknown): Result<ControlMessage, FrameError> {
	const parsed = parseTagged(value, 't', CONTROL_MESSAGES, {
		notObject: 'control message must be a JSON object',
		unknownTag: 'unknown control message type',
	});
	if (!parsed.ok) return fail(parsed.error);
	const message = parsed.value as ControlMessage;
	if (message.t === 'offer-part' && message.files.length === 0 && !message.folders?.length) {
		return fail('offer-part must carry files or folders');
	}
	return ok(message);
}

/**
 * Why an offer's paths cannot be saved, or null when every one can: each file's path and each empty
 * folder's must pass `validatePath`, and a file's path must end in the name shown for it.
 */
export function offerProblem(files: readonly FileMeta[], folders: readonly string[]): PathProblem | null {
	for (const { name, path } of files) {
		if (path === undefined) continue;
		const names = validatePath(path);
		if (!names.ok) return names.error;
		if (names.value[names.value.length - 1] !== name) {
			return { why: 'not-its-name', path, name };
		}
	}
	for (const path of folders) {
		const names = validatePath(path);
		if (!names.ok) return names.error;
	}
	return null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function encodeJson(message: ControlMessage): Uint8Array {
	return encoder.encode(JSON.stringify(message));
}

/** Whether the control frame for `message` stays within `limit` bytes (default: MAX_FRAME_BYTES). */
export function controlFits(message: ControlMessage, limit = MAX_FRAME_BYTES): boolean {
	return 1 + encodeJson(message).length <= Math.min(limit, MAX_FRAME_BYTES);
}

export type OfferMessage = Extract<ControlMessage, { t: 'offer' | 'offer-part' }>;

/** The fields of one offer frame, `folders` only when there are any. */
const offerMessage = (t: OfferMessage['t'], transfer: string, part: Offer): OfferMessage =>
	part.folders.length > 0
		? { t, transfer, files: part.files, folders: part.folders }
		: { t, transfer, files: part.files };

/**
 * The frames an offer goes in, each within `limit` bytes: one `offer` when it fits, else `offer-part`s and a
 * last `offer`. Folders go first and files last, so the last frame always holds a file. The offer is
 * refused when a path is too long for one frame; the caller has kept it within MAX_FILES files and
 * MAX_FOLDERS folders (the hub refuses more in the user's words).
 */
export function offerMessages(
	transfer: string,
	files: readonly FileMeta[],
	folders: readonly string[],
	limit: number,
): Result<OfferMessage[], PathProblem> {
	const whole = offerMessage('offer', transfer, { files: [...files], folders: [...folders] });
	if (controlFits(whole, limit)) return { ok: true, value: [whole] };
	const room = Math.min(limit, MAX_FRAME_BYTES);
	// The frame of a part with both lists empty, the longer tag: each entry then adds itself and a comma.
	const empty = 1 + utf8Length(JSON.stringify({ t: 'offer-part', transfer, files: [], folders: [] }));
	const parts: Offer[] = [];
	let part: Offer = { files: [], folders: [] };
	let bytes = empty;
	const add = (entry: FileMeta | string, path: string, into: (part: Offer) => void): PathProblem | null => {
		const size = utf8Length(JSON.stringify(entry)) + 1;
		if (empty + size > room) return { why: 'too-long-to-send', path };
		if (bytes + size > room) {
			parts.push(part);
			part = { files: [], folders: [] };
			bytes = empty;
		}
		into(part);
		bytes += size;
		return null;
	};
	for (const folder of folders) {
		const problem = add(folder, folder, (p) => p.folders.push(folder));
		if (problem) return { ok: false, error: problem };
	}
	for (const file of files) {
		const problem = add(file, file.path ?? file.name, (p) => p.files.push(file));
		if (problem) return { ok: false, error: problem };
	}
	parts.push(part);
	return {
		ok: true,
		value: parts.map((p, i) => offerMessage(i === parts.length - 1 ? 'offer' : 'offer-part', transfer, p)),
	};
}

/**
 * Adds up the frames of offers as they arrive, one offer at a time (the sender offers the next only after
 * this one ended). What it holds is bounded: MAX_FILES files, MAX_FOLDERS folders, MAX_OFFER_BYTES in all.
 */
export class OfferAssembler {
	#transfer: string | null = null;
	#offer: Offer = { files: [], folders: [] };
	#bytes = 0;

	/**
	 * Adds one frame of `bytes` bytes: gives the whole offer on its last frame, null before, or the reason
	 * the frames cannot come from a working sender.
	 */
	add(message: OfferMessage, bytes: number): Result<Offer | null, string> {
		const refuse = (error: string): Result<Offer | null, string> => {
			this.reset();
			return { ok: false, error };
		};
		const id = message.transfer;
		if (this.#transfer !== null && this.#transfer !== id) {
			return refuse(`an offer began before offer ${this.#transfer} ended`);
		}
		this.#transfer = id;
		this.#bytes += bytes;
		const { files, folders } = this.#offer;
		if (this.#bytes > MAX_OFFER_BYTES) return refuse(`offer ${id} is larger than ${MAX_OFFER_BYTES} bytes`);
		if (files.length + message.files.length > MAX_FILES) {
			return refuse(`offer ${id} holds more than ${MAX_FILES} files`);
		}
		if (folders.length + (message.folders?.length ?? 0) > MAX_FOLDERS) {
			return refuse(`offer ${id} holds more than ${MAX_FOLDERS} empty folders`);
		}
		for (const file of message.files) files.push(file);
		for (const folder of message.folders ?? []) folders.push(folder);
		if (message.t === 'offer-part') return { ok: true, value: null };
		const offer = this.#offer;
		this.reset();
		return { ok: true, value: offer };
	}

	/** Forgets an offer half arrived: on a new link the sender offers it again from its first frame. */
	reset(): void {
		this.#transfer = null;
		this.#offer = { files: [], folders: [] };
		this.#bytes = 0;
	}
}

/** Encodes a control frame. Throws if it would exceed MAX_FRAME_BYTES: check with `controlFits` first. */
/** Encodes a control frame after `headroom` free bytes (a port's own header goes there, without a copy). */
export function encodeControl(message: ControlMessage, headroom = 0): Uint8Array<ArrayBuffer> {
	const json = encodeJson(message);
	if (1 + json.length > MAX_FRAME_BYTES) {
		throw new RangeError(`control frame of ${1 + json.length} bytes exceeds ${MAX_FRAME_BYTES}`);
	}
	const frame = new Uint8Array(headroom + 1 + json.length);
	frame[headroom] = FRAME_CONTROL;
	frame.set(json, headroom + 1);
	return frame;
}

const TWO_POW_32 = 2 ** 32;
/** The high 32 bits of Number.MAX_SAFE_INTEGER (2^53 - 1). */
const MAX_SAFE_HIGH = 2 ** 21 - 1;

/** Encodes a data frame: header and payload in one allocation. Throws on arguments out of range. */
/** Encodes a data frame after `headroom` free bytes, as encodeControl. */
export function encodeData(
	fileIndex: number,
	offset: number,
	payload: Uint8Array,
	headroom = 0,
): Uint8Array<ArrayBuffer> {
	if (!isIndex(fileIndex)) throw new RangeError(`file index ${fileIndex} is out of range`);
	if (!isCount(offset)) throw new RangeError(`offset ${offset} is not a safe non-negative integer`);
	if (payload.length > MAX_PAYLOAD_BYTES)
		throw new RangeError(`payload of ${payload.length} bytes is too large`);
	const frame = new Uint8Array(headroom + DATA_HEADER_BYTES + payload.length);
	const view = new DataView(frame.buffer, headroom);
	view.setUint8(0, FRAME_DATA);
	view.setUint32(1, fileIndex);
	view.setUint32(5, Math.floor(offset / TWO_POW_32));
	view.setUint32(9, offset % TWO_POW_32);
	frame.set(payload, headroom + DATA_HEADER_BYTES);
	return frame;
}

/** Decodes one DataChannel message. A data frame's payload is a view into `buffer`, not a copy. */
export function decodeFrame(buffer: ArrayBuffer | Uint8Array): Result<Frame, FrameError> {
	const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
	if (bytes.length === 0) return fail('frame is empty');
	if (bytes.length > MAX_FRAME_BYTES) return fail(`frame is oversized (${bytes.length} bytes)`);
	const kind = bytes[0];
	if (kind === FRAME_DATA) {
		if (bytes.length < DATA_HEADER_BYTES) return fail('data frame header is truncated');
		const view = new DataView(bytes.buffer, bytes.byteOffset, DATA_HEADER_BYTES);
		const fileIndex = view.getUint32(1);
		const high = view.getUint32(5);
		if (high > MAX_SAFE_HIGH) return fail('data frame offset is beyond 2^53 - 1');
		if (fileIndex >= MAX_FILES) return fail(`data frame file index must be below ${MAX_FILES}`);
		const offset = high * TWO_POW_32 + view.getUint32(9);
		return ok({ kind: 'data', fileIndex, offset, payload: bytes.subarray(DATA_HEADER_BYTES) });
	}
	if (kind !== FRAME_CONTROL) return fail(`unknown frame kind ${kind}`);
	let value: unknown;
	try {
		value = JSON.parse(decoder.decode(bytes.subarray(1)));
	} catch {
		return fail('control frame is not valid UTF-8 JSON');
	}
	const message = parseControl(value);
	return message.ok ? ok({ kind: 'control', message: message.value }) : message;
}
