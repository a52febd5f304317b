// Which of our languages a browser asks for. Paraglide's own preferredLanguage strategy matches a tag or its
// base language only, so zh-CN would find no zh-Hans and pt no pt-BR; this adds those two and is tested.
import {
	baseLocale,
	getTextDirection,
	localStorageKey,
	locales,
	toLocale,
	type Locale,
} from '../paraglide/runtime.js';

/** Tags whose base language we have in one variant only: Simplified Chinese, Brazilian Portuguese. */
const BASE_ALIASES: Record<string, Locale> = { zh: 'zh-Hans', pt: 'pt-BR' };

/** Chinese tags that ask for Traditional script, which we do not have (and zh-Hans would misread). */
const TRADITIONAL = /^zh-(hant|tw|hk|mo)\b/i;

function canonical(tag: string): Intl.Locale | null {
	try {
		return new Intl.Locale(tag);
	} catch {
		return null;
	}
}

/** The first of `preferred` (navigator.languages) we speak: the exact tag, else its base language. */
export function matchLocale(preferred: readonly string[]): Locale | undefined {
	for (const tag of preferred) {
		const exact = toLocale(tag);
		if (exact) return exact;
		const parsed = canonical(tag);
		if (!parsed || TRADITIONAL.test(tag) || parsed.script === 'Hant') continue;
		const base = BASE_ALIASES[parsed.language] ?? toLocale(parsed.language);
		if (base) return base;
	}
	return undefined;
}

/** The remembered choice if it is one of ours, else the browser's languages, else English. */
export function chooseLocale(stored: string | null, preferred: readonly string[]): Locale {
	return toLocale(stored) ?? matchLocale(preferred) ?? baseLocale;
}

/**
 * The attribute on <html> that hides the prerendered English (app.css) from the first paint, when the page will
 * speak another language, until the layout has shown it (or 3 s have passed).
 */
export const LOCALE_PENDING = 'data-locale-pending';

/** The choice the language menu remembered on this device (null where storage is refused: a private window). */
function storedLocale(): string | null {
	try {
		return localStorage.getItem(localStorageKey);
	} catch {
		return null;
	}
}

/** This device's language: the one remembered here, else the browser's. The boot script and the app both ask this. */
export function deviceLocale(): Locale {
	return chooseLocale(storedLocale(), navigator.languages);
}

/** The language's name in itself ("Deutsch", "日本語"), as the language menu lists it. */
export function languageName(locale: Locale): string {
	const name = new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
	return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
}

export { getTextDirection as textDirection, locales, type Locale };
