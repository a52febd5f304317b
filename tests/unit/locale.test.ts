import { describe, expect, it } from 'vitest';
import { chooseLocale, languageName, matchLocale, textDirection } from '../../src/lib/ui/locale';

describe('matchLocale: the browser’s languages to one of ours', () => {
	it('takes an exact tag first, in any case', () => {
		expect(matchLocale(['de'])).toBe('de');
		expect(matchLocale(['PT-br'])).toBe('pt-BR');
		expect(matchLocale(['zh-Hans'])).toBe('zh-Hans');
	});
	it('falls back to the base language: de-AT is German, fr-CA French, es-419 Spanish, ar-EG Arabic', () => {
		expect(matchLocale(['de-AT'])).toBe('de');
		expect(matchLocale(['fr-CA'])).toBe('fr');
		expect(matchLocale(['es-419'])).toBe('es');
		expect(matchLocale(['ar-EG'])).toBe('ar');
		expect(matchLocale(['ja-JP'])).toBe('ja');
		expect(matchLocale(['en-GB'])).toBe('en');
	});
	it('reads Chinese in Simplified script as zh-Hans (zh, zh-CN, zh-SG, zh-Hans-CN), not Traditional', () => {
		for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans-CN', 'zh-cn'])
			expect(matchLocale([tag])).toBe('zh-Hans');
		for (const tag of ['zh-TW', 'zh-HK', 'zh-Hant', 'zh-Hant-TW']) expect(matchLocale([tag])).toBeUndefined();
	});
	it('reads any Portuguese as Brazilian Portuguese, the one we have', () => {
		expect(matchLocale(['pt'])).toBe('pt-BR');
		expect(matchLocale(['pt-PT'])).toBe('pt-BR');
	});
	it('keeps the browser’s order: the first language we have wins', () => {
		expect(matchLocale(['nl', 'sv', 'fr-BE', 'de'])).toBe('fr');
		expect(matchLocale(['nl', 'sv'])).toBeUndefined();
		expect(matchLocale([])).toBeUndefined();
	});
	it('ignores what is not a language tag', () => {
		expect(matchLocale(['', '*', 'not a tag', 'de'])).toBe('de');
	});
});

describe('chooseLocale: the remembered choice, else the browser’s, else English', () => {
	it('a stored choice wins over the browser', () => {
		expect(chooseLocale('ja', ['de'])).toBe('ja');
	});
	it('a stored value that is not one of ours is ignored', () => {
		expect(chooseLocale('xx', ['de'])).toBe('de');
		expect(chooseLocale(null, ['es-MX'])).toBe('es');
	});
	it('English when nothing matches', () => {
		expect(chooseLocale(null, ['nl'])).toBe('en');
	});
});

describe('each language in its own name, and its direction', () => {
	it('names every locale in itself', () => {
		expect(languageName('de')).toBe('Deutsch');
		expect(languageName('fr')).toBe('Français');
		expect(languageName('ja')).toBe('日本語');
		expect(languageName('ar')).toBe('العربية');
		expect(languageName('pt-BR')).toBe('Português (Brasil)');
		expect(languageName('zh-Hans')).toMatch(/中文/);
	});
	it('Arabic is right to left, the others left to right', () => {
		expect(textDirection('ar')).toBe('rtl');
		for (const locale of ['en', 'de', 'ja', 'zh-Hans', 'pt-BR'] as const)
			expect(textDirection(locale)).toBe('ltr');
	});
});
