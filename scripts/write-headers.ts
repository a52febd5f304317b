// Static assets never pass through the Worker, so their security headers come from build/_headers,
// written after the build with the hashes of the prerendered pages' inline bootstrap scripts.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { securityHeaders } from '../worker/security-headers.ts';

const buildDir = process.argv[2] ?? 'build';

function htmlFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return htmlFiles(path);
		return entry.name.endsWith('.html') ? [path] : [];
	});
}

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

/** `sha256-…` of every inline `<script>` body, as CSP wants them. */
function inlineScriptHashes(html: string): string[] {
	return [...html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)]
		.filter((match) => !/\ssrc=/.test(match[1] ?? ''))
		.map((match) => sha256(match[2]));
}

/** SvelteKit's route announcer is added after hydration with a style attribute; allow exactly that one. */
function announcerStyleHash(): string {
	const kit = dirname(fileURLToPath(import.meta.resolve('@sveltejs/kit/package.json')));
	const root = readFileSync(join(kit, 'src/runtime/components/root.svelte'), 'utf8');
	const style = /id="svelte-announcer"[^>]*?style="([^"]*)"/.exec(root)?.[1];
	if (!style) throw new Error('SvelteKit route announcer style not found: update scripts/write-headers.ts');
	return sha256(style);
}

const scripts = [...new Set(htmlFiles(buildDir).flatMap((f) => inlineScriptHashes(readFileSync(f, 'utf8'))))];
const headers = securityHeaders({ scripts, styleAttributes: [announcerStyleHash()] });
const lines = ['/*', ...Object.entries(headers).map(([k, v]) => `  ${k}: ${v}`)];
lines.push('/_app/immutable/*', '  Cache-Control: public, max-age=31536000, immutable');
writeFileSync(join(buildDir, '_headers'), `${lines.join('\n')}\n`);
console.log(`wrote ${join(buildDir, '_headers')} (${scripts.length} inline script hashes)`);
