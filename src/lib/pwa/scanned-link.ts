// A scanned QR code is untrusted input: only a pairing link of this very site is joined. Anything else
// (another site, a look-alike link, plain text) is refused in plain words and never opened.
import { localError, type Messages, type UserError } from '../errors';
import { DEEP_LINK_PATH, LinkProblem, parseDeepLink, type PairingLink } from '../session/deep-link';
import type { Result } from '../protocol/validate';

const hint = (m: Messages): string => m.scan_hint();

const LINK_PROBLEMS: Record<string, (m: Messages) => string> = {
	[LinkProblem.empty]: (m) => m.link_empty(),
	[LinkProblem.notPairing]: (m) => m.link_not_pairing(),
	[LinkProblem.incomplete]: (m) => m.link_incomplete(),
	[LinkProblem.extra]: (m) => m.link_extra(),
	[LinkProblem.damaged]: (m) => m.link_damaged(),
};

/** What parseDeepLink refused a link for (its words are English), as the messages `m` say it. */
export const linkProblem = (m: Messages, problem: string): string => LINK_PROBLEMS[problem]?.(m) ?? problem;

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
			error: localError((m) => m.scan_not_pairbeam(), hint),
		};
	}
	if (url.origin !== origin) {
		return {
			ok: false,
			error: localError((m) => m.scan_other_site({ host: url.host }), hint),
		};
	}
	const parsed = parseDeepLink(url.href);
	if (!parsed.ok) return { ok: false, error: localError((m) => linkProblem(m, parsed.error), hint) };
	return parsed;
}
