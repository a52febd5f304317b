import { describe, expect, it } from 'vitest';
import {
	formatDeepLink,
	KEY_LENGTH,
	LinkProblem,
	parseDeepLink,
	randomKey,
	shortCode,
	type PairingLink,
} from '../../src/lib/session/deep-link';

const link: PairingLink = {
	id: 'abcDEF0123456789wxyz',
	token: 'aB3'.repeat(10) + 'xY',
	key: 'K9'.repeat(16),
};
const fragment = `${link.id}.${link.token}.${link.key}`;

function expectProblem(input: string, problem: string): void {
	expect(parseDeepLink(input)).toEqual({ ok: false, error: problem });
}

describe('formatDeepLink / parseDeepLink', () => {
	it('formats the fragment after /j and strips one trailing slash from the origin', () => {
		expect(formatDeepLink('https://pairbeam.app', link)).toBe(`https://pairbeam.app/j#${fragment}`);
		expect(formatDeepLink('https://pairbeam.app/', link)).toBe(`https://pairbeam.app/j#${fragment}`);
	});

	it('round-trips a formatted link', () => {
		const url = formatDeepLink('http://192.168.1.20:5173', link);
		expect(parseDeepLink(url)).toEqual({ ok: true, value: link });
	});

	it.each([
		['a full URL on another origin', `https://example.test/j#${fragment}`],
		['a URL with a query', `https://pairbeam.app/j?utm=x#${fragment}`],
		['a URL without its scheme', `pairbeam.app/j#${fragment}`],
		['the fragment with #', `#${fragment}`],
		['the bare fragment', fragment],
		['a link with whitespace around it', `  \n https://pairbeam.app/j#${fragment}\t `],
	])('accepts %s', (_name, input) => expect(parseDeepLink(input)).toEqual({ ok: true, value: link }));

	it('accepts fresh random keys', () => {
		const fresh = { ...link, key: randomKey() };
		expect(parseDeepLink(formatDeepLink('https://a.b', fresh))).toEqual({ ok: true, value: fresh });
	});

	it.each([
		['nothing', '   ', LinkProblem.empty],
		['a wrong path', `https://pairbeam.app/x#${fragment}`, LinkProblem.notPairing],
		['the root path', `https://pairbeam.app/#${fragment}`, LinkProblem.notPairing],
		['a /j/ path', `https://pairbeam.app/j/#${fragment}`, LinkProblem.notPairing],
		['another scheme', `ftp://pairbeam.app/j#${fragment}`, LinkProblem.notPairing],
		['a javascript: URL', `javascript:alert(1)#${fragment}`, LinkProblem.notPairing],
		['garbage text', 'hello world', LinkProblem.notPairing],
		['garbage with a hash', 'not a link # at all', LinkProblem.notPairing],
		['a URL without fragment', 'https://pairbeam.app/j', LinkProblem.incomplete],
		['an empty fragment', 'https://pairbeam.app/j#', LinkProblem.incomplete],
		['only a hash', '#', LinkProblem.incomplete],
		['a missing key', `#${link.id}.${link.token}`, LinkProblem.incomplete],
		['an empty key', `#${link.id}.${link.token}.`, LinkProblem.incomplete],
		['an empty token', `#${link.id}..${link.key}`, LinkProblem.incomplete],
		['only an id', `#${link.id}`, LinkProblem.incomplete],
		['an extra part', `#${fragment}.extra`, LinkProblem.extra],
		['a short id', `#${link.id.slice(1)}.${link.token}.${link.key}`, LinkProblem.damaged],
		['a long token', `#${link.id}.${link.token}a.${link.key}`, LinkProblem.damaged],
		['a short key', `#${link.id}.${link.token}.${link.key.slice(1)}`, LinkProblem.damaged],
		['a long key', `#${fragment}Z`, LinkProblem.damaged],
		['a bad character in a URL', `https://pairbeam.app/j#${fragment.slice(0, -1)}_`, LinkProblem.damaged],
		['a bad character in a bare fragment', `${fragment.slice(0, -1)}-`, LinkProblem.notPairing],
		['swapped id and token', `#${link.token}.${link.id}.${link.key}`, LinkProblem.damaged],
	])('rejects %s', (_name, input, problem) => expectProblem(input, problem));

	it('explains every problem in plain words', () => {
		for (const message of Object.values(LinkProblem)) expect(message).toMatch(/^[A-Z][a-z]+ [a-z]/);
		expect(new Set(Object.values(LinkProblem)).size).toBe(Object.keys(LinkProblem).length);
	});
});

describe('randomKey', () => {
	it('makes distinct 32-character alphanumeric keys', () => {
		const keys = new Set(Array.from({ length: 50 }, () => randomKey()));
		expect(keys.size).toBe(50);
		for (const key of keys) expect(key).toMatch(new RegExp(`^[A-Za-z0-9]{${KEY_LENGTH}}$`));
	});
});

describe('shortCode', () => {
	it('groups the first 8 characters of the id, upper-cased', () => {
		expect(shortCode(link.id)).toBe('ABCD-EF01');
		expect(shortCode('a1b2c3d4e5')).toBe('A1B2-C3D4');
	});
});
