import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../src/lib/protocol/frames';
import {
	CloseCode,
	MAX_LANES,
	MAX_SIGNAL_FRAME_BYTES,
	isSeatSecret,
	isSessionId,
	isSessionToken,
	parseClientMessage,
	parseServerMessage,
} from '../../src/lib/protocol/signaling';

const token = 'aB3'.repeat(10) + 'xY';
const seat = 'Zq9'.repeat(10) + 'Pw';

describe('frame size limit', () => {
	it('has its own name, apart from the DataChannel frame limit', () => {
		expect(MAX_SIGNAL_FRAME_BYTES).toBe(16 * 1024);
		expect(MAX_SIGNAL_FRAME_BYTES).not.toBe(MAX_FRAME_BYTES);
	});
});

describe('session id, token and seat formats', () => {
	it('accepts exactly 20 / 32 letters or digits', () => {
		expect(isSessionId('abcDEF0123456789wxyz')).toBe(true);
		expect(isSessionToken(token)).toBe(true);
		expect(isSeatSecret(seat)).toBe(true);
		expect(isSeatSecret(token.slice(1))).toBe(false);
	});

	it.each(['', 'abc', 'a'.repeat(21), 'abcdefghij_klmnopqrs', 'abcdefghijklmnopqrsé', 12345])(
		'rejects %j as an id',
		(value) => expect(isSessionId(value)).toBe(false),
	);
});

describe('parseClientMessage', () => {
	it('accepts a join and a signal of each kind', () => {
		expect(parseClientMessage(JSON.stringify({ type: 'join', token }))).toEqual({
			ok: true,
			value: { type: 'join', token },
		});
		expect(parseClientMessage(JSON.stringify({ type: 'join', token, seat }))).toEqual({
			ok: true,
			value: { type: 'join', token, seat },
		});
		const description = { kind: 'description', description: { type: 'answer', sdp: 'v=0' }, auth: 'x' };
		expect(parseClientMessage(JSON.stringify({ type: 'signal', data: description }))).toEqual({
			ok: true,
			value: { type: 'signal', data: description },
		});
		const candidate = { kind: 'candidate', candidate: { candidate: 'c', sdpMid: null, sdpMLineIndex: 0 } };
		expect(parseClientMessage(JSON.stringify({ type: 'signal', data: candidate })).ok).toBe(true);
		const end = { kind: 'candidate', candidate: null };
		expect(parseClientMessage(JSON.stringify({ type: 'signal', data: end })).ok).toBe(true);
	});

	it('takes a knock (a remembered device tapped) with nothing else in it', () => {
		expect(parseClientMessage(JSON.stringify({ type: 'signal', data: { kind: 'knock' } }))).toEqual({
			ok: true,
			value: { type: 'signal', data: { kind: 'knock' } },
		});
		const extra = parseClientMessage(JSON.stringify({ type: 'signal', data: { kind: 'knock', lane: 1 } }));
		expect(extra.ok).toBe(false);
	});

	it('accepts the lane (which of the peer connections) on either kind of signal, up to the last lane', () => {
		for (const lane of [0, 1, MAX_LANES - 1]) {
			const data = { kind: 'candidate', candidate: null, lane };
			expect(parseClientMessage(JSON.stringify({ type: 'signal', data }))).toEqual({
				ok: true,
				value: { type: 'signal', data },
			});
			const description = { kind: 'description', description: { type: 'offer', sdp: 'v=0' }, lane };
			expect(parseClientMessage(JSON.stringify({ type: 'signal', data: description })).ok).toBe(true);
		}
	});

	it.each([
		['not JSON', '{', 'not valid JSON'],
		['a string', '"join"', 'JSON object'],
		['null', 'null', 'JSON object'],
		['no type', '{}', 'type must be'],
		['missing token', '{"type":"join"}', 'missing its token'],
		['numeric token', '{"type":"join","token":5}', 'letters or digits'],
		['short seat', `{"type":"join","token":"${token}","seat":"abc"}`, 'seat must be 32 letters or digits'],
		['numeric seat', `{"type":"join","token":"${token}","seat":7}`, 'seat must be'],
		['null seat', `{"type":"join","token":"${token}","seat":null}`, 'seat must be'],
		['an inherited type', '{"type":"constructor"}', 'type must be'],
		['a __proto__ type', '{"type":"__proto__"}', 'type must be'],
		['a __proto__ field', `{"type":"join","token":"${token}","__proto__":{}}`, 'unknown fields'],
		['signal without data', '{"type":"signal"}', 'must be an object'],
		['array data', '{"type":"signal","data":[]}', 'must be an object'],
		[
			'rollback',
			'{"type":"signal","data":{"kind":"description","description":{"type":"rollback","sdp":""}}}',
			'description must be',
		],
		[
			'numeric auth',
			'{"type":"signal","data":{"kind":"description","description":{"type":"offer","sdp":""},"auth":1}}',
			'auth must be',
		],
		['candidate string', '{"type":"signal","data":{"kind":"candidate","candidate":"c"}}', 'object or null'],
		[
			'candidate extra',
			'{"type":"signal","data":{"kind":"candidate","candidate":{"candidate":"c","x":1}}}',
			'unknown fields',
		],
		...[MAX_LANES, -1, 0.5, '1', null].map((lane): [string, string, string] => [
			`lane ${JSON.stringify(lane)}`,
			JSON.stringify({ type: 'signal', data: { kind: 'candidate', candidate: null, lane } }),
			`lane must be an integer from 0 to ${MAX_LANES - 1}`,
		]),
		[
			'fractional index',
			'{"type":"signal","data":{"kind":"candidate","candidate":{"candidate":"c","sdpMLineIndex":0.5}}}',
			'sdpMLineIndex',
		],
	])('rejects %s with 4400 and a reason', (_name, text, reason) => {
		const parsed = parseClientMessage(text);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) {
			expect(parsed.error.code).toBe(CloseCode.malformed);
			expect(parsed.error.reason).toContain(reason);
		}
	});
});

describe('parseServerMessage', () => {
	it('accepts every server frame of the contract', () => {
		const frames = [
			{
				type: 'joined',
				role: 'host',
				peerPresent: false,
				iceServers: [{ urls: ['stun:x'] }],
				iceTransportPolicy: 'all',
				seat,
			},
			{
				type: 'joined',
				role: 'guest',
				peerPresent: true,
				iceServers: [{ urls: 'turn:x', username: 'u', credential: 'c' }],
				iceTransportPolicy: 'relay',
				seat,
			},
			{ type: 'peer-joined' },
			{ type: 'peer-left', reason: 'left' },
			{ type: 'peer-left', reason: 'dropped' },
			{ type: 'signal', data: { kind: 'candidate', candidate: null } },
			{ type: 'error', code: 4404, message: 'gone' },
		];
		for (const frame of frames)
			expect(parseServerMessage(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
	});

	it('drops fields it does not know, so an installed app keeps working with a newer server', () => {
		const frame = { type: 'peer-left', reason: 'dropped', since: 12 };
		expect(parseServerMessage(JSON.stringify(frame))).toEqual({
			ok: true,
			value: { type: 'peer-left', reason: 'dropped' },
		});
	});

	it.each([
		{ type: 'joined', role: 'admin', peerPresent: false, iceServers: [], iceTransportPolicy: 'all', seat },
		{ type: 'joined', role: 'host', peerPresent: false, iceServers: [], iceTransportPolicy: 'all' },
		{
			type: 'joined',
			role: 'host',
			peerPresent: false,
			iceServers: [],
			iceTransportPolicy: 'all',
			seat: 'x',
		},
		{ type: 'joined', role: 'host', peerPresent: false, iceServers: [], iceTransportPolicy: 'none' },
		{ type: 'joined', role: 'host', peerPresent: 'no', iceServers: [] },
		{ type: 'joined', role: 'host', peerPresent: false, iceServers: [{ urls: 5 }] },
		{ type: 'error', code: 500, message: 'x' },
		{ type: 'signal', data: { kind: 'other' } },
		{ type: 'welcome' },
		{ type: 'peer-left' },
	])('rejects %j with a reason', (frame) => {
		const parsed = parseServerMessage(JSON.stringify(frame));
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.error.reason).toMatch(/must be|unknown server frame|JSON/);
	});
});
