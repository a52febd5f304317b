// Builds src/lib/ui/locale-boot.ts into static/locale-boot.js: one classic script (IIFE) that app.html's head
// loads before the first paint, so it cannot be a module; from static/ the service worker precaches it.
import { build } from 'vite';

await build({
	configFile: false,
	logLevel: 'warn',
	publicDir: false,
	build: {
		outDir: 'static',
		emptyOutDir: false,
		copyPublicDir: false,
		minify: true,
		lib: {
			entry: 'src/lib/ui/locale-boot.ts',
			formats: ['iife'],
			name: 'pairbeamLocaleBoot',
			fileName: () => 'locale-boot.js',
		},
	},
});
console.log('wrote static/locale-boot.js');
