// The app in the browser's language: Chromium set to de, ja and ar shows the home screen, the
// pairing screen and a finished transfer in it (strings read from messages/*.json, not copied here), Arabic
// right to left without horizontal scroll at 360 px, axe clean; and a switch mid-session keeps the pairing.
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server';
import { connected, launchPeer, openApp, readQr, waitForStatus, type Peer } from '../harness/browser';
import { makeDir, makeFile } from '../harness/files';
import { seriousA11yViolations } from '../harness/pwa-helpers';
import { LOCALE_PENDING } from '../../src/lib/ui/locale';

let server: RunningServer;
let dir: string;

beforeAll(async () => {
	server = await startServer({ skipBuild: true, vars: { STUN_URLS: '' } });
	dir = makeDir();
});

afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

const messages = (locale: string): Record<string, string> =>
	JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8'));

/** A message of `locale` with its {placeholders} filled in. */
function text(locale: string, key: string, inputs: Record<string, string> = {}): string {
	const message = messages(locale)[key];
	if (typeof message !== 'string') throw new Error(`${locale}.${key} is not a plain message`);
	return message.replace(/\{(\w+)\}/g, (_, name: string) => inputs[name]);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A message as a pattern, its {code} any verification code ("123 456"). */
const withCode = (locale: string, key: string) =>
	new RegExp(`^${text(locale, key, { code: '\u0000' }).split('\u0000').map(escape).join('\\d{3} \\d{3}')}$`);

/** Chromium's language: --lang for its UI, and headless takes the page's languages from --accept-lang. */
const browserLanguage = (locale: string) => [`--lang=${locale}`, `--accept-lang=${locale}`];

async function inLanguage(peer: Peer, locale: string): Promise<void> {
	await peer.page.locator(`html[lang="${locale}"]`).waitFor();
}

/** No serious axe violation, and nothing wider than the 360 px viewport. */
async function clean(peer: Peer): Promise<{ violations: unknown[]; scrollWidth: number }> {
	return {
		violations: await seriousA11yViolations(peer.page),
		scrollWidth: await peer.page.evaluate(() => document.documentElement.scrollWidth),
	};
}

/** Pairs `receiver` (shows the code) with `sender` (opens the link); returns once both are connected. */
async function pair(receiver: Peer, sender: Peer, locale: string): Promise<void> {
	await receiver.page.getByRole('button', { name: text(locale, 'home_receive') }).click();
	const link = await readQr(receiver.page);
	expect(link).toMatch(/^http:\/\/[^/]+\/j#[^?]*$/);
	await openApp(sender.page, link);
	await connected(receiver);
	await connected(sender);
}

/** Sends one file from `sender`, confirmed and accepted in each one's language; waits until saved. */
async function transfer(sender: Peer, senderLocale: string, receiver: Peer, receiverLocale: string) {
	await sender.page
		.getByTestId('file-input')
		.setInputFiles([makeFile(dir, 'تقرير-report.pdf', 100_000).path]);
	await sender.page.getByRole('button', { name: withCode(senderLocale, 'confirm_button') }).click();
	await waitForStatus(receiver, 'incoming');
	await receiver.page.getByRole('button', { name: withCode(receiverLocale, 'transfer_accept_from') }).click();
	await waitForStatus(receiver, 'done', 30_000);
	await waitForStatus(sender, 'done', 30_000);
}

describe('languages', () => {
	for (const locale of ['de', 'ja', 'ar']) {
		it(`speaks ${locale} when the browser does: home, pairing, a finished transfer; axe clean at 360 px`, async () => {
			const receiver = await launchPeer(server.url, browserLanguage(locale));
			const sender = await launchPeer(server.url, browserLanguage(locale));
			try {
				for (const peer of [receiver, sender]) await peer.page.setViewportSize({ width: 360, height: 740 });
				await openApp(receiver.page, server.url);
				await inLanguage(receiver, locale);
				expect(await receiver.page.evaluate(() => navigator.language)).toMatch(new RegExp(`^${locale}`));
				expect(await receiver.page.locator('.lead').textContent()).toBe(text(locale, 'home_lead'));
				expect(await receiver.page.getByTestId('language').inputValue()).toBe(locale);
				expect(await receiver.page.title()).toBe(text(locale, 'page_title'));
				expect(await receiver.page.evaluate(() => document.documentElement.dir)).toBe(
					locale === 'ar' ? 'rtl' : 'ltr',
				);
				// The page links the manifest in its language, which is what an install reads.
				const linked = await receiver.page.evaluate(
					() => document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href,
				);
				expect(linked).toBe(`${server.url}/manifest-${locale}.webmanifest`);
				expect(await (await fetch(`${server.url}/manifest-${locale}.webmanifest`)).json()).toMatchObject({
					description: text(locale, 'page_description'),
					lang: locale,
				});
				const home = await clean(receiver);

				await pair(receiver, sender, locale);
				await inLanguage(sender, locale);
				expect(await sender.page.getByRole('heading', { level: 2 }).textContent()).toContain(
					text(locale, 'session_paired'),
				);
				const pairing = await clean(receiver);

				await transfer(sender, locale, receiver, locale);
				const card = receiver.page.getByTestId('transfer');
				expect(await card.getByTestId('transfer-status').textContent()).toBe(text(locale, 'transfer_done'));
				expect(await card.getByTestId('file-name').textContent()).toBe('تقرير-report.pdf');
				expect(await card.getByRole('heading').textContent()).not.toMatch(/Receiving|file/);
				const done = await clean(receiver);
				const sent = await clean(sender);

				for (const screen of [home, pairing, done, sent]) {
					expect(screen.violations).toEqual([]);
					expect(screen.scrollWidth).toBeLessThanOrEqual(360);
				}
				expect(receiver.errors).toEqual([]);
				expect(sender.errors).toEqual([]);
			} finally {
				await receiver.close();
				await sender.close();
			}
		});
	}

	/**
	 * Init script: on every frame until the page speaks a language other than English or 300 frames have passed,
	 * notes whether the prerendered English lead was visible (a frame's callbacks run just before it is painted).
	 */
	const watchPaints = (englishLead: string) => `(() => {
		window.__englishPainted = false;
		window.__frames = 0;
		const look = () => {
			const app = document.querySelector('.app');
			const lead = document.querySelector('.lead');
			if (app && lead) {
				window.__frames += 1;
				if (getComputedStyle(app).visibility === 'visible' && lead.textContent === ${JSON.stringify(englishLead)})
					window.__englishPainted = true;
			}
			if (document.documentElement.lang !== 'en' && !document.documentElement.hasAttribute('${LOCALE_PENDING}')) return;
			if (window.__frames < 300) requestAnimationFrame(look);
		};
		requestAnimationFrame(look);
	})();`;

	it('never paints the prerendered English for a browser in another language; an English one sees it at once', async () => {
		for (const [locale, englishPainted] of [
			['de', false],
			['en', true],
		] as const) {
			const peer = await launchPeer(server.url, browserLanguage(locale));
			try {
				await peer.context.addInitScript(watchPaints(text('en', 'home_lead')));
				await openApp(peer.page, server.url);
				await inLanguage(peer, locale);
				await expect
					.poll(() => peer.page.evaluate(() => getComputedStyle(document.querySelector('.app')!).visibility))
					.toBe('visible');
				const seen = await peer.page.evaluate(() => {
					const { __englishPainted, __frames } = window as unknown as {
						__englishPainted: boolean;
						__frames: number;
					};
					return { englishPainted: __englishPainted, frames: __frames };
				});
				expect(seen.frames).toBeGreaterThan(0);
				expect(seen.englishPainted).toBe(englishPainted);
				expect(await peer.page.locator('.lead').textContent()).toBe(text(locale, 'home_lead'));
				expect(peer.errors).toEqual([]);
			} finally {
				await peer.close();
			}
		}
	});

	it('switches language mid-session without a reload: the pairing, its code and a transfer carry on', async () => {
		const receiver = await launchPeer(server.url, browserLanguage('en-US'));
		const sender = await launchPeer(server.url, browserLanguage('en-US'));
		try {
			await openApp(receiver.page, server.url);
			await inLanguage(receiver, 'en');
			await pair(receiver, sender, 'en');
			const code = await receiver.page.getByTestId('verification-code').textContent();
			await receiver.page.evaluate(
				() => ((window as unknown as { notReloaded: boolean }).notReloaded = true),
			);

			await receiver.page.getByTestId('language').selectOption('ar');
			await inLanguage(receiver, 'ar');
			expect(await receiver.page.evaluate(() => document.documentElement.dir)).toBe('rtl');
			expect(await receiver.page.getByTestId('connection').textContent()).toContain(
				text('ar', 'status_connected', { code: '' }).split('(')[0].trim(),
			);
			expect(await receiver.page.getByTestId('verification-code').textContent()).toBe(code);
			expect(await receiver.page.getByTestId('connection').getAttribute('data-state')).toBe('connected');

			await transfer(sender, 'en', receiver, 'ar');
			expect(await receiver.page.getByTestId('transfer-status').textContent()).toBe(
				text('ar', 'transfer_done'),
			);
			expect(await sender.page.getByTestId('transfer-status').textContent()).toBe(
				text('en', 'transfer_done'),
			);
			expect(
				await receiver.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
			).toBe(true);
			// Remembered on this device, and the address says nothing about it.
			expect(await receiver.page.evaluate(() => localStorage.getItem('pairbeam.locale'))).toBe('ar');
			expect(new URL(receiver.page.url()).search).toBe('');
			await receiver.page.reload();
			await inLanguage(receiver, 'ar');
			expect(receiver.errors).toEqual([]);
			expect(sender.errors).toEqual([]);
		} finally {
			await receiver.close();
			await sender.close();
		}
	});
});
