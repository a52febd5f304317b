// A scanned QR code is untrusted input: only a pairing link of this very site is joined. Anything else
// (another site, a look-alike link, plain text) is refused in plain words and never opened.
import { userError, type UserError } from '../errors';
import { DEEP_LINK_PATH, parseDeepLink, type PairingLink } from '../session/deep-link';
import type { Result } from '../protocol/validate';

const HINT = 'Scan the QR code Pairbeam shows on the other device, or paste its link below.';

function parseUrl(text: string): URL | null {
	try {
		return new URL(text.trim());
	} catch {
		return null;
	}
}

export function checkScannedLink(text: string, origin: string): Result<PairingLink, UserError> {
	const url = parseUrl(text);
	if (!url || url.pathname !== DEEP_LINK_PATH) {
		return {
			ok: false,
			error: userError('This QR code is not a Pairbeam pairing code. It was not opened.', HINT),
		};
	}
	if (url.origin !== origin) {
		return {
			ok: false,
			error: userError(`This QR code leads to another site (${url.host}). It was not opened.`, HINT),
		};
	}
	const parsed = parseDeepLink(url.href);
	if (!parsed.ok) return { ok: false, error: userError(`${parsed.error}.`, HINT) };
	return parsed;
}
