// The web app manifest in each language: browsers read one manifest per page, so each locale has its own
// file, written after the build from the English template and the messages, and the page links the one shown.
import { baseLocale, getTextDirection, type Locale } from '../paraglide/runtime.js';

/** The words of a manifest that are read by people: its description (the page's) and its screenshots' labels. */
export interface ManifestWords {
	page_description: string;
	manifest_screenshot_narrow: string;
	manifest_screenshot_wide: string;
}

interface Screenshot {
	form_factor: 'narrow' | 'wide';
	[field: string]: unknown;
}

/** The manifest as `static/manifest.webmanifest` holds it: everything but the words and the language. */
export interface ManifestTemplate {
	screenshots: Screenshot[];
	[field: string]: unknown;
}

/** Where the manifest of `locale` is served: English at the address every install so far has seen. */
export const manifestPath = (locale: Locale): string =>
	locale === baseLocale ? '/manifest.webmanifest' : `/manifest-${locale}.webmanifest`;

/** The template in `locale`: its description, screenshot labels, `lang` and `dir`. */
export function localManifest(template: ManifestTemplate, words: ManifestWords, locale: Locale) {
	return {
		...template,
		description: words.page_description,
		lang: locale,
		dir: getTextDirection(locale),
		screenshots: template.screenshots.map((shot) => ({
			...shot,
			label: words[`manifest_screenshot_${shot.form_factor}`],
		})),
	};
}
