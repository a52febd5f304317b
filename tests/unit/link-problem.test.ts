import { describe, expect, it } from 'vitest';
import { english } from '../../src/lib/errors';
import { linkProblem } from '../../src/lib/pwa/scanned-link';
import { LinkProblem } from '../../src/lib/session/deep-link';

describe('linkProblem: what parseDeepLink refused, in the language shown', () => {
	it('has a message for every problem parseDeepLink names, reading in English as its own words', () => {
		for (const problem of Object.values(LinkProblem))
			expect(linkProblem(english, problem)).toBe(`${problem}.`);
	});
	it('uses the messages it is given', () => {
		const shouting = new Proxy(english, { get: (_, key) => () => String(key).toUpperCase() });
		expect(linkProblem(shouting, LinkProblem.damaged)).toBe('LINK_DAMAGED');
	});
	it('shows a problem it does not know as it came', () => {
		expect(linkProblem(english, 'Something new')).toBe('Something new');
	});
});
