// Text received from the other device is shown with its web links clickable and nothing else: a link is
// only what the URL parser reads as http: or https: with a host, no user name and nothing invisible, at a
// word's start. One regular expression pass and one pass per URL: linear time, however long or odd the text.

/** A run of plain text, or a link: `text` as it was written, `href` as the URL parser wrote it. */
export type TextPart = { text: string } | { text: string; href: string };

/**
 * "http://" or "https://" (any case) at the start, after whitespace or after an opening bracket or quote,
 * up to the next whitespace, `<`, `>` or `"`. No `u` flag: with it, `i` would let "ſ" match "s".
 */
const CANDIDATE = /(^|[\s([{<"'«‹“‘„‚「『【〈《])(https?:\/\/[^\s<>"]+)/gi;
/** Punctuation that ends a sentence or a quote rather than a URL. */
const TRAILING = /[.,:;!?'’”»›…。、，：；！？」』】〉》]/;
const OPENER: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/** The URL without what follows it in the sentence: trailing punctuation, and brackets it did not open. */
function withoutTrailing(candidate: string): string {
	const brackets = new Map<string, number>();
	for (const char of candidate) {
		if ('()[]{}'.includes(char)) brackets.set(char, (brackets.get(char) ?? 0) + 1);
	}
	let end = candidate.length;
	while (end > 0) {
		const char = candidate[end - 1];
		const opener = Object.hasOwn(OPENER, char) ? OPENER[char] : null;
		const unopened = opener !== null && (brackets.get(char) ?? 0) > (brackets.get(opener) ?? 0);
		if (!TRAILING.test(char) && !unopened) break;
		if (unopened) brackets.set(char, (brackets.get(char) ?? 0) - 1);
		end--;
	}
	return candidate.slice(0, end);
}

/**
 * Where the URL goes, or null unless it is http(s) to a host with no user name or password before it and
 * shows all it says: no control or invisible format character (a bidi override can reorder what is shown).
 */
function webLink(url: string): string | null {
	if (/^https?:\/\/[/\\]/i.test(url) || /[\p{Cc}\p{Cf}]/u.test(url)) return null;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return null;
	}
	const web = parsed.protocol === 'https:' || parsed.protocol === 'http:';
	return web && parsed.hostname !== '' && parsed.username === '' && parsed.password === ''
		? parsed.href
		: null;
}

/** Splits received text into plain runs and http(s) links; the parts' texts joined give the text back. */
export function linkParts(text: string): TextPart[] {
	const parts: TextPart[] = [];
	let done = 0;
	for (const match of text.matchAll(CANDIDATE)) {
		const start = match.index + match[1].length;
		const url = withoutTrailing(match[2]);
		const href = webLink(url);
		if (href === null) continue;
		if (start > done) parts.push({ text: text.slice(done, start) });
		parts.push({ text: url, href });
		done = start + url.length;
	}
	if (done < text.length) parts.push({ text: text.slice(done) });
	return parts;
}
