// Runs before the first paint, as a classic script in app.html's head (built to static/ by scripts/build-boot.ts):
// the page is prerendered in English, so a page that will speak another language is hidden until it does.
import { baseLocale } from '../paraglide/runtime.js';
import { deviceLocale, LOCALE_PENDING } from './locale';

if (deviceLocale() !== baseLocale) {
	document.documentElement.setAttribute(LOCALE_PENDING, '');
}
