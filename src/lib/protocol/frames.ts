// The DataChannel wire format: one binary message per frame, a kind byte first, so file data needs no
// base64 or JSON and the receiver can reject anything malformed before it touches a file or the UI.

import {
	isObject,
	isString,
	parseShape,
	parseTagged,
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

export const MAX_FILES = 10_000;
export const MAX_NAME_CHARS = 1024;
export const MAX_TYPE_CHARS = 255;
export const MAX_REASON_CHARS = 500;
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
}

export type ControlMessage =
	| { t: 'offer'; transfer: string; files: FileMeta[] }
	| { t: 'accept'; transfer: string; credit: number }
	| { t: 'decline'; transfer: string }
	| { t: 'credit'; transfer: string; credit: number }
	| { t: 'block'; transfer: string; index: number; block: number; sha256: string }
	| { t: 'file-end'; transfer: string; index: number; sha256: string }
	| { t: 'rewind'; transfer: string; index: number; offset: number }
	| { t: 'rewound'; transfer: string; index: number; offset: number }
	| { t: 'resume'; transfer: string; index: number; offset: number; credit: number }
	| { t: 'file-done'; transfer: string; index: number; size: number }
	| { t: 'cancel'; transfer: string; index: number | null; reason: string }
	| { t: 'text'; text: string };

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

const count = (name: string): Rule<number> => rule(isCount, `${name} must be a non-negative integer`);
const transfer = rule(isTransferId, 'transfer must be 1 to 64 letters, digits, "_" or "-"');
const index = rule(isIndex, `index must be an integer below ${MAX_FILES}`);
const sha256 = rule(isDigest, 'sha256 must be a base64 SHA-256 digest');
const text = (name: string, max: number) =>
	rule((v) => isShortString(v, max), `${name} must be a string of at most ${max} characters`);

/** The fields of the file at position `at` of an offer; reasons name that position. */
const fileMeta = (at: number): Shape => ({
	name: rule(
		(v) => isShortString(v, MAX_NAME_CHARS) && v.length > 0,
		`files[${at}].name must be 1 to ${MAX_NAME_CHARS} characters`,
	),
	size: count(`files[${at}].size`),
	type: text(`files[${at}].type`, MAX_TYPE_CHARS),
	lastModified: count(`files[${at}].lastModified`),
});

const parseFiles: Rule<FileMeta[]> = (value) => {
	if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FILES) {
		return { ok: false, error: `offer files must be a list of 1 to ${MAX_FILES} files` };
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

/** Every control message, one line each: its fields in the order they are checked. */
const CONTROL_MESSAGES: Record<ControlMessage['t'], Shape> = {
	offer: { transfer, files: parseFiles },
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
		reason: text('reason', MAX_REASON_CHARS),
	},
	text: { text: text('text', MAX_TEXT_CHARS) },
};

/** Validates a decoded control message; the result is a fresh object holding only the known fields. */
export function parseControl(value: unknown): Result<ControlMessage, FrameError> {
	const parsed = parseTagged(value, 't', CONTROL_MESSAGES, {
		notObject: 'control message must be a JSON object',
		unknownTag: 'unknown control message type',
	});
	return parsed.ok ? ok(parsed.value as ControlMessage) : fail(parsed.error);
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

/** Encodes a control frame. Throws if it would exceed MAX_FRAME_BYTES: check with `controlFits` first. */
export function encodeControl(message: ControlMessage): Uint8Array<ArrayBuffer> {
	const json = encodeJson(message);
	if (1 + json.length > MAX_FRAME_BYTES) {
		throw new RangeError(`control frame of ${1 + json.length} bytes exceeds ${MAX_FRAME_BYTES}`);
	}
	const frame = new Uint8Array(1 + json.length);
	frame[0] = FRAME_CONTROL;
	frame.set(json, 1);
	return frame;
}

const TWO_POW_32 = 2 ** 32;
/** The high 32 bits of Number.MAX_SAFE_INTEGER (2^53 - 1). */
const MAX_SAFE_HIGH = 2 ** 21 - 1;

/** Encodes a data frame: header and payload in one allocation. Throws on arguments out of range. */
export function encodeData(fileIndex: number, offset: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
	if (!isIndex(fileIndex)) throw new RangeError(`file index ${fileIndex} is out of range`);
	if (!isCount(offset)) throw new RangeError(`offset ${offset} is not a safe non-negative integer`);
	if (payload.length > MAX_PAYLOAD_BYTES)
		throw new RangeError(`payload of ${payload.length} bytes is too large`);
	const frame = new Uint8Array(DATA_HEADER_BYTES + payload.length);
	const view = new DataView(frame.buffer);
	view.setUint8(0, FRAME_DATA);
	view.setUint32(1, fileIndex);
	view.setUint32(5, Math.floor(offset / TWO_POW_32));
	view.setUint32(9, offset % TWO_POW_32);
	frame.set(payload, DATA_HEADER_BYTES);
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
