// Static assets never pass through the Worker, so their security headers come from build/_headers,
// written after the build with the hashes of the prerendered pages' inline bootstrap scripts.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { securityHeaders } from '../worker/security-headers.ts';

const buildDir = process.argv[2] ?? 'build';

function htmlFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return htmlFiles(path);
		return entry.name.endsWith('.html') ? [path] : [];
	});
}

/** `sha256-…` of every inline `<script>` body, as CSP wants them. */
export function inlineScriptHashes(html: string): string[] {
	const hashes: string[] = [];
	for (const match of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)) {
		if (/\ssrc=/.test(match[1] ?? '')) continue;
		hashes.push(`sha256-${createHash('sha256').update(match[2]).digest('base64')}`);
	}
	return hashes;
}

const hashes = [...new Set(htmlFiles(buildDir).flatMap((f) => inlineScriptHashes(readFileSync(f, 'utf8'))))];
const lines = ['/*', ...Object.entries(securityHeaders(hashes)).map(([k, v]) => `  ${k}: ${v}`)];
lines.push('/_app/immutable/*', '  Cache-Control: public, max-age=31536000, immutable');
writeFileSync(join(buildDir, '_headers'), `${lines.join('\n')}\n`);
console.log(`wrote ${join(buildDir, '_headers')} (${hashes.length} inline script hashes)`);
