// Every language has exactly English's messages, each with English's parameters, and none is left in English.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Variant = { declarations?: string[]; match: Record<string, string> };
type Message = string | Variant[];

const settings = JSON.parse(readFileSync('project.inlang/settings.json', 'utf8')) as {
	baseLocale: string;
	locales: string[];
};
const read = (locale: string): Record<string, Message> => {
	const { $schema: _, ...messages } = JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8'));
	return messages;
};
const english = read(settings.baseLocale);

/** The inputs a message takes: `input` declarations and the {placeholders} of its text, less its locals. */
function parameters(message: Message): string[] {
	const names = new Set<string>();
	const locals = new Set<string>();
	const texts =
		typeof message === 'string' ? [message] : message.flatMap((variant) => Object.values(variant.match));
	for (const variant of typeof message === 'string' ? [] : message) {
		for (const declaration of variant.declarations ?? []) {
			const [kind, name] = declaration.split(/\s+/);
			if (kind === 'input') names.add(name);
			if (kind === 'local') locals.add(name);
		}
	}
	for (const text of texts) for (const [, name] of text.matchAll(/\{(\w+)\}/g)) names.add(name);
	return [...names].filter((name) => !locals.has(name)).sort();
}

/** Messages that read the same in some languages: unit symbols, "{done} / {total}", "Text: …". */
const SAME_AS_ENGLISH = new Set(['size_units', 'transfer_bytes_of', 'held_text']);

describe('messages', () => {
	it('the parameter reader sees inputs and placeholders, not locals', () => {
		expect(parameters('Saved to {place} ({size}).')).toEqual(['place', 'size']);
		expect(
			parameters([
				{
					declarations: ['input count', 'local countPlural = count: plural'],
					match: { 'countPlural=*': '{count} files · {size}' },
				},
			]),
		).toEqual(['count', 'size']);
	});

	it('English has messages', () => {
		expect(Object.keys(english).length).toBeGreaterThan(100);
	});

	for (const locale of settings.locales.filter((l) => l !== settings.baseLocale)) {
		describe(locale, () => {
			const messages = read(locale);
			it('has every English key and no other', () => {
				const keys = Object.keys(english);
				expect(
					keys.filter((key) => !(key in messages)),
					'missing',
				).toEqual([]);
				expect(
					Object.keys(messages).filter((key) => !(key in english)),
					'extra',
				).toEqual([]);
			});
			it('takes the same parameters as English in each message', () => {
				const differing = Object.keys(english)
					.filter((key) => key in messages)
					.filter((key) => parameters(messages[key]).join() !== parameters(english[key]).join());
				expect(differing).toEqual([]);
			});
			it('leaves nothing in English', () => {
				const untranslated = Object.keys(english).filter(
					(key) =>
						!SAME_AS_ENGLISH.has(key) && JSON.stringify(messages[key]) === JSON.stringify(english[key]),
				);
				expect(untranslated).toEqual([]);
			});
		});
	}
});
