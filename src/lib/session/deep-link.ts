// The pairing link carries session id, join token and end-to-end key in the URL fragment, which browsers
// never send to a server, so the signaling Worker can route peers without learning the key.

import { randomAlphanumeric } from '../protocol/random';
import { isSessionId, isSessionToken } from '../protocol/signaling';
import type { Result } from '../protocol/validate';

export const KEY_LENGTH = 32;
export const DEEP_LINK_PATH = '/j';

export interface PairingLink {
	id: string;
	token: string;
	key: string;
}

/** Messages shown to the person who scanned or pasted a link, so they are plain words. */
export const LinkProblem = {
	empty: 'Paste or scan a pairing link first',
	notPairing: 'This link is not a Pairbeam pairing link',
	incomplete: 'The pairing link is incomplete. Copy the whole link again',
	extra: 'The pairing link has extra text in it. Copy the link again',
	damaged: 'The pairing link is damaged. Copy the whole link again',
} as const;

const KEY_PATTERN = new RegExp(`^[A-Za-z0-9]{${KEY_LENGTH}}$`);
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

const isKey = (value: string): boolean => KEY_PATTERN.test(value);

export function formatDeepLink(origin: string, link: PairingLink): string {
	const base = origin.endsWith('/') ? origin.slice(0, -1) : origin;
	return `${base}${DEEP_LINK_PATH}#${link.id}.${link.token}.${link.key}`;
}

/** The fragment of a full link, the text itself when it is a bare fragment, or null for any other URL. */
function fragmentOf(text: string): { fragment: string; bare: boolean } | null {
	if (text.startsWith('#')) return { fragment: text.slice(1), bare: true };
	// A pasted link may lack its scheme ("pairbeam.app/j#…"); a bare fragment has neither scheme nor '#'.
	const candidate = SCHEME.test(text) ? text : text.includes('#') ? `https://${text}` : null;
	if (candidate === null) return { fragment: text, bare: true };
	let url: URL;
	try {
		url = new URL(candidate);
	} catch {
		return null;
	}
	if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== DEEP_LINK_PATH) return null;
	return { fragment: url.hash.slice(1), bare: false };
}

const fail = (error: string): Result<PairingLink, string> => ({ ok: false, error });

/** Reads a pairing link from a scanned or pasted full URL (any origin, path `/j`) or its bare fragment. */
export function parseDeepLink(input: string): Result<PairingLink, string> {
	const text = input.trim();
	if (text.length === 0) return fail(LinkProblem.empty);
	const found = fragmentOf(text);
	if (found === null) return fail(LinkProblem.notPairing);
	const { fragment, bare } = found;
	if (fragment.length === 0) return fail(LinkProblem.incomplete);
	if (!/^[A-Za-z0-9.]+$/.test(fragment)) return fail(bare ? LinkProblem.notPairing : LinkProblem.damaged);
	const parts = fragment.split('.');
	if (parts.length > 3) return fail(LinkProblem.extra);
	if (parts.length < 3 || parts.some((part) => part.length === 0)) return fail(LinkProblem.incomplete);
	const [id, token, key] = parts;
	if (!isSessionId(id) || !isSessionToken(token) || !isKey(key)) return fail(LinkProblem.damaged);
	return { ok: true, value: { id, token, key } };
}

/** A fresh end-to-end key for a new session. */
export function randomKey(): string {
	return randomAlphanumeric(KEY_LENGTH);
}

/** `ABCD-EFGH`: shown on both screens so people can check they joined the same session. */
export function shortCode(id: string): string {
	const code = id.slice(0, 8).toUpperCase();
	return code.length > 4 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}
