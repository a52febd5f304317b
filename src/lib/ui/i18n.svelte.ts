// The language the UI speaks, held in runes so every message on screen re-renders when it changes: a switch
// never reloads the page (that would end the pairing). English is bundled; any other language's compiled
// module is fetched when first used, so an English first load carries no other language's text.
import { english, speakWith, type Messages } from '../errors';
import { baseLocale, overwriteGetLocale, setLocale } from '../paraglide/runtime.js';
import { formatBytes, formatDuration, formatPercent, formatSpeed } from './format';
import { deviceLocale, textDirection, type Locale } from './locale';

const modules = import.meta.glob<Messages>(['../paraglide/messages/*.js', '!**/_index.js', '!**/en.js']);

function load(locale: Locale): Promise<Messages> {
	const module = modules[`../paraglide/messages/${locale}.js`];
	return module ? module() : Promise.resolve(english);
}

class Language {
	locale = $state<Locale>(baseLocale);
	messages = $state.raw<Messages>(english);
	dir = $derived(textDirection(this.locale));
	/** The locale asked for last: a slow module that arrives after a newer choice is dropped. */
	private wanted: Locale = baseLocale;

	/** The remembered choice, else the browser's languages; run once the page has hydrated (in English). */
	start(): Promise<void> {
		return this.show(deviceLocale());
	}

	/** The user picked `locale` from the menu: remembered on this device, shown without a reload. */
	choose(locale: Locale): Promise<void> {
		try {
			void setLocale(locale, { reload: false });
		} catch {
			// Storage refused (a private window): the choice holds for this page only.
		}
		return this.show(locale);
	}

	private async show(locale: Locale): Promise<void> {
		this.wanted = locale;
		const messages = await load(locale);
		if (this.wanted !== locale) return;
		this.messages = messages;
		this.locale = locale;
	}
}

export const language = new Language();
overwriteGetLocale(() => language.locale);
speakWith(() => language.messages);

/** The messages of the language shown, read through the rune (use as `m.home_lead()`, like Paraglide's m). */
export const m = Object.fromEntries(
	Object.keys(english).map((key) => [
		key,
		(inputs?: object) => (language.messages[key as keyof Messages] as (i?: object) => string)(inputs),
	]),
) as Messages;

const units = (): string[] => language.messages.size_units().split(' ');

/** Sizes, speeds, time left, percentages and counts in the language shown. */
export const format = {
	bytes: (bytes: number): string => formatBytes(bytes, language.locale, units()),
	speed: (bytesPerSecond: number): string => formatSpeed(bytesPerSecond, language.locale, units()),
	duration: (seconds: number | null): string => formatDuration(seconds, language.locale),
	percent: (share: number): string => formatPercent(share, language.locale),
	count: (count: number): string => new Intl.NumberFormat(language.locale).format(count),
};
