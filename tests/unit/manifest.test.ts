// The manifest in each language: built from the one template and the messages, so a language added to the
// project gets its manifest, and the template carries no words of its own.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locales } from '../../src/lib/paraglide/runtime.js';
import { localManifest, manifestPath, type ManifestTemplate } from '../../src/lib/pwa/manifest';

const template = JSON.parse(readFileSync('static/manifest.webmanifest', 'utf8')) as ManifestTemplate;
const messages = (locale: string) => JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8'));

describe('the web app manifest in each language', () => {
	it('has a template without words or a language: those come from the messages', () => {
		expect(template).not.toHaveProperty('description');
		expect(template).not.toHaveProperty('lang');
		expect(template.screenshots.map((shot) => Object.keys(shot))).not.toContainEqual(
			expect.arrayContaining(['label']),
		);
	});

	it('keeps English at the address installs already know, and gives each other language its own', () => {
		expect(manifestPath('en')).toBe('/manifest.webmanifest');
		expect(locales.filter((l) => l !== 'en').map(manifestPath)).toEqual(
			locales.filter((l) => l !== 'en').map((l) => `/manifest-${l}.webmanifest`),
		);
	});

	for (const locale of locales) {
		it(`in ${locale}: the page's description, the screenshots' labels, its lang and dir; the rest as is`, () => {
			const words = messages(locale);
			const { screenshots, ...rest } = localManifest(template, words, locale);
			const { screenshots: shots, ...templateRest } = template;
			expect(rest).toEqual({
				...templateRest,
				description: words.page_description,
				lang: locale,
				dir: locale === 'ar' ? 'rtl' : 'ltr',
			});
			expect(screenshots).toEqual([
				{ ...shots[0], label: words.manifest_screenshot_narrow },
				{ ...shots[1], label: words.manifest_screenshot_wide },
			]);
			expect(shots.map((shot) => shot.form_factor)).toEqual(['narrow', 'wide']);
		});
	}
});
