// After the build: the web app manifest in every language (src/lib/pwa/manifest.ts), from the template in
// build/manifest.webmanifest (copied from static/) and messages/{locale}.json; English replaces the template.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localManifest, manifestPath, type ManifestTemplate } from '../src/lib/pwa/manifest.ts';
import { locales } from '../src/lib/paraglide/runtime.js';

const buildDir = process.argv[2] ?? 'build';
const template = JSON.parse(readFileSync(join(buildDir, 'manifest.webmanifest'), 'utf8')) as ManifestTemplate;

for (const locale of locales) {
	const words = JSON.parse(readFileSync(join('messages', `${locale}.json`), 'utf8'));
	const manifest = localManifest(template, words, locale);
	writeFileSync(join(buildDir, manifestPath(locale)), `${JSON.stringify(manifest, null, '\t')}\n`);
}
console.log(`wrote ${locales.length} manifests, one per language`);
