// One set of Paraglide compiler options for the Vite plugin (vite.config.ts) and for the generated folder
// that svelte-check, the unit tests and a fresh clone need before any build: `node scripts/paraglide.ts`.
import { compile, type CompilerOptions } from '@inlang/paraglide-js';
import { resolve } from 'node:path';

export const paraglideOptions = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	// One module per locale: English is imported by the app, every other locale is loaded when chosen
	// (src/lib/ui/i18n.svelte.ts), so an English first load carries no other language's text.
	outputStructure: 'locale-modules',
	strategy: ['localStorage', 'preferredLanguage', 'baseLocale'],
	localStorageKey: 'pairbeam.locale',
	emitReadme: false,
} satisfies CompilerOptions;

// Run as a script (not when vite.config.ts imports the options). The compiler's project store keeps Node
// alive for about 30 s after it has written everything, so the script exits once it has.
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
	await compile(paraglideOptions);
	process.exit(0);
}
