// SvelteKit 3 takes its configuration here (it refuses to build when a svelte.config.js exists).
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { paraglideOptions } from './scripts/paraglide.ts';

export default defineConfig(({ command }) => {
	// A build is what users get, even when run from a test runner that set NODE_ENV=test (which made Svelte
	// compile its dev mode: 10 KiB more, and checks users never run).
	if (command === 'build') process.env.NODE_ENV = 'production';
	return {
		plugins: [
			paraglideVitePlugin(paraglideOptions),
			sveltekit({
				adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', strict: true }),
				// The page's <meta> policy needs worker-src too: qr-scanner decodes in a worker made from a blob: URL.
				csp: { mode: 'hash', directives: { 'script-src': ['self'], 'worker-src': ['self', 'blob:'] } },
				serviceWorker: { register: false },
			}),
		],
	};
});
