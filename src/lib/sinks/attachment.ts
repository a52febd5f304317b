// The Content-Disposition of a streamed download (RFC 6266): browsers take the UTF-8 `filename*` (RFC 8187),
// and the quoted ASCII `filename` is only for those that do not; a name must never break the header.

/** What RFC 8187 lets through unencoded in `filename*` (attr-char); everything else is percent-encoded. */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** The header value that saves the response as `name`, whatever characters it holds. */
export function attachment(name: string): string {
	const ascii = [...name].map((c) => (/^[\x20-\x7e]$/.test(c) && c !== '"' && c !== '\\' ? c : '_')).join('');
	const encoded = [...new TextEncoder().encode(name)]
		.map((byte) => {
			const c = String.fromCharCode(byte);
			return byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
		})
		.join('');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
