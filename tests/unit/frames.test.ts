import { describe, expect, it } from 'vitest';
import {
	CANCEL_REASONS,
	chunkSizeFor,
	controlFits,
	DATA_HEADER_BYTES,
	decodeFrame,
	encodeControl,
	encodeData,
	FRAME_CONTROL,
	FRAME_DATA,
	MAX_FILES,
	MAX_FOLDERS,
	MAX_FRAME_BYTES,
	MAX_OFFER_BYTES,
	MAX_PAYLOAD_BYTES,
	OfferAssembler,
	offerMessages,
	offerProblem,
	parseControl,
	SAFE_MESSAGE_BYTES,
	type ControlMessage,
	type FileMeta,
	type OfferMessage,
} from '../../src/lib/protocol/frames';
import type { PathProblem } from '../../src/lib/protocol/paths';
import { english, pathReason } from '../../src/lib/errors';

/** The English reason for `problem`, without the isolation marks around the path and name. */
const words = (problem: PathProblem): string => pathReason(english, problem).replace(/[\u2068\u2069]/g, '');

const file: FileMeta = {
	name: 'résumé 日本.pdf',
	size: 5 * 2 ** 30,
	type: 'application/pdf',
	lastModified: 0,
};

const DIGEST = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';

const messages: ControlMessage[] = [
	{ t: 'offer', transfer: 'tx_1-A', files: [file, { name: 'a', size: 0, type: '', lastModified: 1 }] },
	{
		t: 'offer',
		transfer: 'tx',
		files: [{ ...file, name: 'b.pdf', path: 'docs/日本/b.pdf' }],
		folders: ['docs/empty'],
	},
	{ t: 'offer-part', transfer: 'tx', files: [], folders: ['a', 'a/b'] },
	{ t: 'offer-part', transfer: 'tx', files: [{ ...file, path: `a/${file.name}` }] },
	{ t: 'accept', transfer: 'tx', credit: 16 * 1024 * 1024 },
	{ t: 'decline', transfer: 'tx' },
	{ t: 'credit', transfer: 'tx', credit: Number.MAX_SAFE_INTEGER },
	{ t: 'file-end', transfer: 'tx', index: 0, sha256: DIGEST },
	{ t: 'block', transfer: 'tx', index: 2, block: 4096, sha256: DIGEST },
	{ t: 'rewind', transfer: 'tx', index: 1, offset: 5 * 2 ** 30 },
	{ t: 'rewound', transfer: 'tx', index: 1, offset: 0 },
	{ t: 'resume', transfer: 'tx', index: 0, offset: 2 ** 20, credit: 16 * 2 ** 20 },
	{ t: 'file-done', transfer: 'tx', index: 9999, size: 2 ** 40 },
	{ t: 'cancel', transfer: 'tx', index: null, reason: 'cancelled' },
	{ t: 'cancel', transfer: 'tx', index: 3, reason: 'unverified' },
	{ t: 'text', text: 'hello 👋' },
];

function expectRejected(frame: Uint8Array | ArrayBuffer, reason: string): void {
	const decoded = decodeFrame(frame);
	expect(decoded.ok).toBe(false);
	if (!decoded.ok) expect(decoded.error.reason).toContain(reason);
}

function controlFrame(text: string): Uint8Array {
	const json = new TextEncoder().encode(text);
	const frame = new Uint8Array(1 + json.length);
	frame[0] = FRAME_CONTROL;
	frame.set(json, 1);
	return frame;
}

describe('chunkSizeFor', () => {
	it.each([
		[262144, 262144 - DATA_HEADER_BYTES],
		[65536, 65536 - DATA_HEADER_BYTES],
		[1024 ** 3, 262144 - DATA_HEADER_BYTES],
		[Infinity, 262144 - DATA_HEADER_BYTES],
		[0, 262144 - DATA_HEADER_BYTES],
		[NaN, 262144 - DATA_HEADER_BYTES],
		[-1, 262144 - DATA_HEADER_BYTES],
		[32768 + DATA_HEADER_BYTES, 32768],
		[1024, 16384],
	])('maxMessageSize %d gives %d-byte chunks', (max, chunk) => expect(chunkSizeFor(max)).toBe(chunk));
});

describe('control frames', () => {
	it.each(messages.map((m) => [m.t, m] as const))('round-trips %s', (_t, message) => {
		const frame = encodeControl(message);
		expect(frame[0]).toBe(FRAME_CONTROL);
		expect(decodeFrame(frame)).toEqual({ ok: true, value: { kind: 'control', message } });
		expect(decodeFrame(frame.buffer)).toEqual({ ok: true, value: { kind: 'control', message } });
	});

	it('refuses to encode a frame over MAX_FRAME_BYTES, which controlFits predicts', () => {
		const small: ControlMessage = { t: 'text', text: 'x'.repeat(1000) };
		const files = Array.from({ length: 300 }, () => ({ ...file, name: 'n'.repeat(1024) }));
		const big: ControlMessage = { t: 'offer', transfer: 'tx', files };
		expect(controlFits(small)).toBe(true);
		expect(controlFits(small, 500)).toBe(false);
		expect(controlFits(big)).toBe(false);
		expect(() => encodeControl(big)).toThrow(RangeError);
	});
});

describe('data frames', () => {
	it.each([0, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER])('round-trips offset %d', (offset) => {
		const payload = new Uint8Array([1, 2, 3, 250]);
		const frame = encodeData(7, offset, payload);
		expect(frame.length).toBe(DATA_HEADER_BYTES + payload.length);
		expect(frame[0]).toBe(FRAME_DATA);
		const decoded = decodeFrame(frame);
		expect(decoded).toEqual({ ok: true, value: { kind: 'data', fileIndex: 7, offset, payload } });
	});

	it('writes the header big-endian', () => {
		const frame = encodeData(0x0102, 2 ** 40 + 2 ** 32 + 0x01020304, new Uint8Array(0));
		expect([...frame]).toEqual([2, 0, 0, 1, 2, 0, 0, 1, 1, 1, 2, 3, 4]);
	});

	it('leaves the headroom a port asks for free in front, the frame unchanged after it', () => {
		const payload = new Uint8Array([1, 2, 3]);
		const roomy = encodeData(3, 2 ** 33, payload, 4);
		expect([...roomy.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
		expect([...roomy.subarray(4)]).toEqual([...encodeData(3, 2 ** 33, payload)]);
		const message = { t: 'credit', transfer: 'abc', credit: 5 } as const;
		const control = encodeControl(message, 4);
		expect([...control.subarray(4)]).toEqual([...encodeControl(message)]);
		expect(decodeFrame(control.subarray(4))).toEqual({ ok: true, value: { kind: 'control', message } });
	});

	it('round-trips an empty payload and a full-size one', () => {
		const empty = decodeFrame(encodeData(0, 10, new Uint8Array(0)));
		expect(empty.ok && empty.value.kind === 'data' && empty.value.payload.length).toBe(0);
		const full = new Uint8Array(MAX_PAYLOAD_BYTES).fill(9);
		const frame = encodeData(1, 0, full);
		expect(frame.length).toBe(MAX_FRAME_BYTES);
		const decoded = decodeFrame(frame);
		expect(decoded.ok && decoded.value.kind === 'data' && decoded.value.payload).toEqual(full);
	});

	it('decodes the payload as a view of the input, not a copy', () => {
		const frame = encodeData(0, 0, new Uint8Array([5, 6]));
		const decoded = decodeFrame(frame);
		if (!decoded.ok || decoded.value.kind !== 'data') throw new Error('expected a data frame');
		expect(decoded.value.payload.buffer).toBe(frame.buffer);
		frame[DATA_HEADER_BYTES] = 42;
		expect(decoded.value.payload[0]).toBe(42);
	});

	it('decodes from a Uint8Array that is a window into a larger buffer', () => {
		const frame = encodeData(3, 99, new Uint8Array([8]));
		const big = new Uint8Array(frame.length + 10);
		big.set(frame, 5);
		const decoded = decodeFrame(big.subarray(5, 5 + frame.length));
		expect(decoded).toEqual({
			ok: true,
			value: { kind: 'data', fileIndex: 3, offset: 99, payload: new Uint8Array([8]) },
		});
	});

	it.each([
		[-1, 0],
		[MAX_FILES, 0],
		[0, -1],
		[0, 1.5],
		[0, 2 ** 53],
	])('refuses to encode index %d offset %d', (index, offset) => {
		expect(() => encodeData(index, offset, new Uint8Array(1))).toThrow(RangeError);
	});
});

describe('decodeFrame rejections', () => {
	it('rejects an empty frame', () => expectRejected(new Uint8Array(0), 'empty'));
	it('rejects an empty ArrayBuffer', () => expectRejected(new ArrayBuffer(0), 'empty'));
	it('rejects an unknown kind', () => expectRejected(new Uint8Array([3, 0]), 'unknown frame kind 3'));
	it('rejects kind 0', () => expectRejected(new Uint8Array([0]), 'unknown frame kind'));

	it.each([1, 5, 12])('rejects a data header truncated to %d bytes', (length) => {
		expectRejected(encodeData(1, 1, new Uint8Array(0)).subarray(0, length), 'truncated');
	});

	it('rejects an oversized data frame', () => {
		const frame = new Uint8Array(MAX_FRAME_BYTES + 1);
		frame[0] = FRAME_DATA;
		expectRejected(frame, 'oversized');
	});

	it('rejects an oversized control frame', () => {
		expectRejected(
			controlFrame(JSON.stringify({ t: 'text', text: 'x'.repeat(MAX_FRAME_BYTES) })),
			'oversized',
		);
	});

	it('rejects an offset beyond 2^53 - 1', () => {
		const frame = encodeData(0, 0, new Uint8Array(0));
		new DataView(frame.buffer).setUint32(5, 2 ** 21);
		expectRejected(frame, 'offset');
	});

	it('rejects a file index of MAX_FILES or more', () => {
		const frame = encodeData(0, 0, new Uint8Array(0));
		new DataView(frame.buffer).setUint32(1, MAX_FILES);
		expectRejected(frame, 'file index');
	});

	it.each([
		['bad JSON', controlFrame('{"t":'), 'not valid UTF-8 JSON'],
		['empty JSON', controlFrame(''), 'not valid UTF-8 JSON'],
		['invalid UTF-8', new Uint8Array([FRAME_CONTROL, 0x22, 0xff, 0x22]), 'not valid UTF-8 JSON'],
		['a JSON array', controlFrame('[]'), 'JSON object'],
		['unknown type', controlFrame('{"t":"ping"}'), 'unknown control message type'],
		['invalid shape', controlFrame('{"t":"accept","transfer":"tx"}'), 'credit'],
	])('rejects a control frame with %s', (_name, frame, reason) => expectRejected(frame, reason));
});

describe('parseControl', () => {
	const okFile = { name: 'a.txt', size: 1, type: 'text/plain', lastModified: 1 };
	it.each([
		['no object', null, 'JSON object'],
		['no type', {}, 'unknown control message type'],
		['extra field', { t: 'decline', transfer: 'tx', x: 1 }, 'unknown fields'],
		['extra text field', { t: 'text', text: '', x: 1 }, 'unknown fields'],
		['missing transfer', { t: 'decline' }, 'transfer must be'],
		['empty transfer', { t: 'decline', transfer: '' }, 'transfer must be'],
		['long transfer', { t: 'decline', transfer: 'a'.repeat(65) }, 'transfer must be'],
		['bad transfer character', { t: 'decline', transfer: 'a.b' }, 'transfer must be'],
		['no files', { t: 'offer', transfer: 'tx', files: [] }, 'files must be'],
		['files not a list', { t: 'offer', transfer: 'tx', files: {} }, 'files must be'],
		[
			'too many files',
			{ t: 'offer', transfer: 'tx', files: Array(MAX_FILES + 1).fill(okFile) },
			'files must be',
		],
		['file not an object', { t: 'offer', transfer: 'tx', files: ['a'] }, 'files[0] must be'],
		['file extra field', { t: 'offer', transfer: 'tx', files: [{ ...okFile, dir: 'a' }] }, 'unknown fields'],
		['numeric path', { t: 'offer', transfer: 'tx', files: [{ ...okFile, path: 1 }] }, 'files[0].path'],
		['empty path', { t: 'offer', transfer: 'tx', files: [{ ...okFile, path: '' }] }, 'files[0].path'],
		[
			'path over MAX_PATH_CHARS',
			{ t: 'offer', transfer: 'tx', files: [{ ...okFile, path: 'a/'.repeat(2048) + 'a.txt' }] },
			'files[0].path',
		],
		['folders not a list', { t: 'offer', transfer: 'tx', files: [okFile], folders: 'a' }, 'folders'],
		['numeric folder', { t: 'offer', transfer: 'tx', files: [okFile], folders: [1] }, 'folders[0]'],
		['empty folder path', { t: 'offer', transfer: 'tx', files: [okFile], folders: ['a', ''] }, 'folders[1]'],
		[
			'too many folders',
			{ t: 'offer', transfer: 'tx', files: [okFile], folders: Array(MAX_FOLDERS + 1).fill('a') },
			'folders must be',
		],
		['an empty offer part', { t: 'offer-part', transfer: 'tx', files: [] }, 'offer-part'],
		['an offer part without files', { t: 'offer-part', transfer: 'tx', folders: ['a'] }, 'files must be'],
		['empty name', { t: 'offer', transfer: 'tx', files: [{ ...okFile, name: '' }] }, 'name'],
		['long name', { t: 'offer', transfer: 'tx', files: [{ ...okFile, name: 'n'.repeat(1025) }] }, 'name'],
		[
			'negative size',
			{ t: 'offer', transfer: 'tx', files: [okFile, { ...okFile, size: -1 }] },
			'files[1].size',
		],
		['unsafe size', { t: 'offer', transfer: 'tx', files: [{ ...okFile, size: 2 ** 53 }] }, 'size'],
		['string size', { t: 'offer', transfer: 'tx', files: [{ ...okFile, size: '1' }] }, 'size'],
		['long type', { t: 'offer', transfer: 'tx', files: [{ ...okFile, type: 't'.repeat(256) }] }, 'type'],
		['missing type', { t: 'offer', transfer: 'tx', files: [{ ...okFile, type: undefined }] }, 'type'],
		[
			'fractional mtime',
			{ t: 'offer', transfer: 'tx', files: [{ ...okFile, lastModified: 0.5 }] },
			'lastModified',
		],
		['negative credit', { t: 'credit', transfer: 'tx', credit: -1 }, 'credit'],
		['fractional credit', { t: 'accept', transfer: 'tx', credit: 1.5 }, 'credit'],
		['index MAX_FILES', { t: 'file-end', transfer: 'tx', index: MAX_FILES, sha256: DIGEST }, 'index'],
		['file-end without digest', { t: 'file-end', transfer: 'tx', index: 0 }, 'sha256'],
		['hex digest', { t: 'block', transfer: 'tx', index: 0, block: 0, sha256: 'ab'.repeat(32) }, 'sha256'],
		['negative block', { t: 'block', transfer: 'tx', index: 0, block: -1, sha256: DIGEST }, 'block number'],
		['rewind without offset', { t: 'rewind', transfer: 'tx', index: 0 }, 'offset'],
		['fractional rewound offset', { t: 'rewound', transfer: 'tx', index: 0, offset: 0.5 }, 'offset'],
		['resume without credit', { t: 'resume', transfer: 'tx', index: 0, offset: 0 }, 'credit'],
		['negative index', { t: 'file-done', transfer: 'tx', index: -1, size: 0 }, 'index'],
		['missing size', { t: 'file-done', transfer: 'tx', index: 0 }, 'size'],
		['missing cancel index', { t: 'cancel', transfer: 'tx', reason: 'cancelled' }, 'index'],
		['long text', { t: 'text', text: 'x'.repeat(64 * 1024 + 1) }, 'text must be'],
		['numeric text', { t: 'text', text: 5 }, 'text must be'],
		['an inherited type name', { t: 'constructor' }, 'unknown control message type'],
		['a __proto__ type', JSON.parse('{"t":"__proto__"}'), 'unknown control message type'],
		['a __proto__ field', JSON.parse('{"t":"decline","transfer":"tx","__proto__":{}}'), 'unknown fields'],
		['a numeric type', { t: 1 }, 'unknown control message type'],
		[
			'cancel index as text',
			{ t: 'cancel', transfer: 'tx', index: '0', reason: 'cancelled' },
			'null or an integer',
		],
	])('rejects %s', (_name, value, reason) => {
		const parsed = parseControl(value);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.error.reason).toContain(reason);
	});

	it('accepts limits exactly at the edge', () => {
		const edge = [
			{ t: 'decline', transfer: 'a'.repeat(64) },
			{ t: 'text', text: 'x'.repeat(64 * 1024) },
			{ t: 'cancel', transfer: 't', index: MAX_FILES - 1, reason: 'cancelled' },
			{
				t: 'offer',
				transfer: 't',
				files: [
					{ name: 'n'.repeat(1024), size: Number.MAX_SAFE_INTEGER, type: 't'.repeat(255), lastModified: 0 },
				],
			},
		];
		for (const value of edge) expect(parseControl(value)).toEqual({ ok: true, value });
	});

	it.each(CANCEL_REASONS)('accepts a cancel for the reason %s, with or without a file', (reason) => {
		for (const index of [null, 0]) {
			const message = { t: 'cancel', transfer: 'tx', index, reason };
			expect(decodeFrame(encodeControl(message as ControlMessage))).toEqual({
				ok: true,
				value: { kind: 'control', message },
			});
		}
	});

	it.each([
		['an unknown code', 'busy'],
		['a code in other letters', 'Cancelled'],
		['a code with text after it', 'cancelled: by the sender'],
		['an English sentence', 'cancelled by sender'],
		['no reason', ''],
		['a number', 3],
		['null', null],
	])('refuses a cancel whose reason is %s', (_name, reason) => {
		expectRejected(
			controlFrame(JSON.stringify({ t: 'cancel', transfer: 'tx', index: null, reason })),
			`reason must be one of ${CANCEL_REASONS.join(', ')}`,
		);
	});

	it('refuses a cancel that carries text besides its code', () => {
		const message = { t: 'cancel', transfer: 'tx', index: null, reason: 'failed', text: 'the disk is full' };
		expectRejected(controlFrame(JSON.stringify(message)), 'unknown fields');
	});

	it('returns a fresh object without inherited fields', () => {
		const input = Object.assign(Object.create({ injected: true }), { t: 'decline', transfer: 'tx' });
		const parsed = parseControl(input);
		expect(parsed.ok && Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
	});
});

/**
 * `count` files as a real folder holds them: photos by year and trip, a source tree, documents with
 * non-ASCII names; paths of 30 to 70 characters, MIME types and millisecond timestamps as browsers give.
 */
function realisticFiles(count: number): FileMeta[] {
	const kinds = [
		(i: number) => ({
			path: `Photos/${2020 + (i % 7)}/${2020 + (i % 7)}-0${1 + (i % 9)} Summer trip/IMG_2026${String(i).padStart(6, '0')}.jpg`,
			type: 'image/jpeg',
		}),
		(i: number) => ({
			path: `Projects/pairbeam/src/lib/${['transfer', 'sinks', 'session', 'ui'][i % 4]}/module-${i}.ts`,
			type: 'text/typescript',
		}),
		(i: number) => ({
			path: `Documents/Rechnungen/${2020 + (i % 5)}/Rechnung ${i} Müller GmbH.pdf`,
			type: 'application/pdf',
		}),
	];
	return Array.from({ length: count }, (_, i) => {
		const { path, type } = kinds[i % kinds.length](i);
		const name = path.slice(path.lastIndexOf('/') + 1);
		return { name, size: 1_000 + i * 4_099, type, lastModified: 1_780_000_000_000 + i, path };
	});
}

/** Reassembles the messages of one offer as a receiver does; throws on a refusal. */
function reassemble(messages: ControlMessage[]): { files: FileMeta[]; folders: string[] } {
	const offers = new OfferAssembler();
	let whole: { files: FileMeta[]; folders: string[] } | null = null;
	for (const message of messages) {
		const frame = encodeControl(message);
		const decoded = decodeFrame(frame);
		if (!decoded.ok || decoded.value.kind !== 'control') throw new Error('a part did not decode');
		const part = decoded.value.message;
		if (part.t !== 'offer' && part.t !== 'offer-part') throw new Error(`${part.t} is no part of an offer`);
		const added = offers.add(part, frame.length);
		if (!added.ok) throw new Error(added.error);
		whole = added.value;
	}
	if (!whole) throw new Error('the offer never completed');
	return whole;
}

describe('offers of folders', () => {
	const at = (path: string, size = 1): FileMeta => ({
		name: path.slice(path.lastIndexOf('/') + 1),
		size,
		type: '',
		lastModified: 0,
		path,
	});

	it('accepts relative paths whose last name is the file’s name, and empty folders', () => {
		expect(offerProblem([at('photos/2026/a.jpg'), file], ['photos/empty', 'ünïcödé'])).toBeNull();
	});

	it.each([
		['an absolute path', [at('/etc/passwd')], [], 'The path “/etc/passwd” is absolute; it must be relative.'],
		['a parent name', [at('a/../../b.txt')], [], 'The path “a/../../b.txt” leaves the chosen folder.'],
		[
			'a backslash',
			[at('a\\b.txt')],
			[],
			'The path “a\\b.txt” has a backslash; folders are separated by “/”.',
		],
		[
			'a reserved name',
			[at('src/aux/x.c')],
			[],
			'The path “src/aux/x.c” uses “aux”, a name Windows reserves.',
		],
		['a path too deep', [at(`${'d/'.repeat(32)}x`)], [], 'has more than 32 parts.'],
		[
			'a hostile empty folder',
			[at('a/b.txt')],
			['ok', '../up'],
			'The path “../up” leaves the chosen folder.',
		],
		['a drive in a folder', [at('a/b.txt')], ['C:'], 'The path “C:” is absolute; it must be relative.'],
	])('refuses the whole offer for %s, with its reason', (_name, files, folders, reason) => {
		const problem = offerProblem(files, folders);
		if (!problem) throw new Error('accepted');
		expect(words(problem)).toContain(reason);
	});

	it('refuses a path whose last name is not the name shown for the file', () => {
		const problem = { why: 'not-its-name', path: 'a/evil.exe', name: 'holiday.jpg' } as const;
		expect(offerProblem([{ ...at('a/evil.exe'), name: 'holiday.jpg' }], [])).toEqual(problem);
		expect(words(problem)).toBe('The path “a/evil.exe” does not end in the file’s name “holiday.jpg”.');
	});
});

describe('an offer in several frames', () => {
	it('goes as one offer frame when it fits', () => {
		const files = realisticFiles(10);
		expect(offerMessages('tx', files, ['Photos/empty'], SAFE_MESSAGE_BYTES)).toEqual({
			ok: true,
			value: [{ t: 'offer', transfer: 'tx', files, folders: ['Photos/empty'] }],
		});
		expect(offerMessages('tx', [file], [], SAFE_MESSAGE_BYTES)).toEqual({
			ok: true,
			value: [{ t: 'offer', transfer: 'tx', files: [file] }],
		});
	});

	it.each([
		[2_000, SAFE_MESSAGE_BYTES],
		[2_000, 16 * 1024],
		[50_000, SAFE_MESSAGE_BYTES],
	])(
		'carries %d files with paths in frames of at most %d bytes, folders first, whole again on arrival',
		(count, limit) => {
			const files = realisticFiles(count);
			const folders = Array.from({ length: 300 }, (_, i) => `Photos/empty ${i}`);
			const split = offerMessages('tx', files, folders, limit);
			if (!split.ok) throw new Error(words(split.error));
			const messages = split.value;
			const sizes = messages.map((m) => encodeControl(m).length);
			expect(Math.max(...sizes)).toBeLessThanOrEqual(limit);
			expect(messages.slice(0, -1).every((m) => m.t === 'offer-part')).toBe(true);
			expect(messages.at(-1)?.t).toBe('offer');
			const first = messages[0];
			expect(first.t === 'offer-part' && first.folders?.[0]).toBe('Photos/empty 0');
			expect(reassemble(messages)).toEqual({ files, folders });
			// Measured: 2,000 such files take 325,588 bytes (2 frames of 256 KiB), 50,000 take 8,173,436 (32).
			expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(MAX_OFFER_BYTES);
		},
	);

	it('refuses a path too long for one frame on this connection, naming it', () => {
		const name = `${'a'.repeat(1_000)}.txt`;
		const long = { ...file, name, path: `${'d'.repeat(200)}/${name}` };
		const split = offerMessages('tx', [long], [], 1_024);
		expect(split).toEqual({ ok: false, error: { why: 'too-long-to-send', path: long.path } });
		if (split.ok) return;
		expect(words(split.error)).toMatch(/^The path “d{60}…” is too long to send on this connection\.$/);
		expect(offerMessages('tx', [long], [], SAFE_MESSAGE_BYTES).ok).toBe(true);
	});
});

describe('OfferAssembler', () => {
	const part = (transfer: string, files: FileMeta[], folders?: string[]): OfferMessage => ({
		t: 'offer-part',
		transfer,
		files,
		...(folders ? { folders } : {}),
	});

	it('gives a one-frame offer at once, and nothing until the final part of a longer one', () => {
		const offers = new OfferAssembler();
		expect(offers.add({ t: 'offer', transfer: 'a', files: [file] }, 100)).toEqual({
			ok: true,
			value: { files: [file], folders: [] },
		});
		expect(offers.add(part('b', [], ['x']), 100)).toEqual({ ok: true, value: null });
		expect(offers.add(part('b', [file]), 100)).toEqual({ ok: true, value: null });
		expect(offers.add({ t: 'offer', transfer: 'b', files: [file], folders: ['y'] }, 100)).toEqual({
			ok: true,
			value: { files: [file, file], folders: ['x', 'y'] },
		});
	});

	it('refuses a part of another offer while one is arriving', () => {
		const offers = new OfferAssembler();
		offers.add(part('a', [file]), 100);
		expect(offers.add({ t: 'offer', transfer: 'b', files: [file] }, 100)).toEqual({
			ok: false,
			error: 'an offer began before offer a ended',
		});
	});

	it('refuses an offer whose parts add up to more files, folders or bytes than allowed', () => {
		const many = new OfferAssembler();
		const half = Array<FileMeta>(MAX_FILES / 2).fill(file);
		expect(many.add(part('a', half), 100).ok).toBe(true);
		expect(many.add(part('a', half), 100).ok).toBe(true);
		expect(many.add({ t: 'offer', transfer: 'a', files: [file] }, 100)).toEqual({
			ok: false,
			error: `offer a holds more than ${MAX_FILES} files`,
		});
		const folders = new OfferAssembler();
		expect(folders.add(part('a', [], Array<string>(MAX_FOLDERS).fill('e')), 100).ok).toBe(true);
		expect(folders.add({ t: 'offer', transfer: 'a', files: [file], folders: ['e'] }, 100)).toEqual({
			ok: false,
			error: `offer a holds more than ${MAX_FOLDERS} empty folders`,
		});
		const bytes = new OfferAssembler();
		expect(bytes.add(part('a', [file]), MAX_OFFER_BYTES).ok).toBe(true);
		expect(bytes.add({ t: 'offer', transfer: 'a', files: [file] }, 1)).toEqual({
			ok: false,
			error: `offer a is larger than ${MAX_OFFER_BYTES} bytes`,
		});
	});

	it('forgets a half-arrived offer when the link is new (the sender offers it again whole)', () => {
		const offers = new OfferAssembler();
		offers.add(part('a', [file]), 100);
		offers.reset();
		expect(offers.add({ t: 'offer', transfer: 'a', files: [file] }, 100)).toEqual({
			ok: true,
			value: { files: [file], folders: [] },
		});
	});
});
