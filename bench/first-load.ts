// First paint and bytes of the app shell, on a first visit (network) and on an offline visit served by
// the service worker; bytes are what the page fetched from the network (CDP encodedDataLength). And, from
// the built files, the gzipped bytes an English first load needs, of which the messages and their runtime.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchPeer, openApp } from '../tests/harness/browser.ts';

export interface LoadResult {
	firstPaintMs: number;
	networkBytes: number;
}

export interface FirstLoad {
	online: LoadResult;
	offline: LoadResult;
	precachedBytes: number;
}

export async function firstLoad(origin: string): Promise<FirstLoad> {
	const peer = await launchPeer(origin);
	try {
		let bytes = 0;
		const fromWorker = new Set<string>();
		await peer.cdp.send('Network.enable');
		peer.cdp.on('Network.responseReceived', (event) => {
			if (event.response.fromServiceWorker) fromWorker.add(event.requestId);
		});
		peer.cdp.on('Network.loadingFinished', (event) => {
			if (!fromWorker.has(event.requestId)) bytes += event.encodedDataLength;
		});
		const paint = () =>
			peer.page.evaluate(
				() =>
					new Promise<number>((resolve) => {
						const read = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
						const poll = () => (read() === undefined ? setTimeout(poll, 20) : resolve(read()!));
						poll();
					}),
			);
		await openApp(peer.page, origin);
		const online = { firstPaintMs: await paint(), networkBytes: bytes };
		// Once installed, the worker controls the next load of the page.
		await peer.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await peer.page.reload();
		await peer.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
		const precachedBytes = await peer.page.evaluate(async () => {
			let total = 0;
			for (const name of await caches.keys()) {
				const cache = await caches.open(name);
				for (const request of await cache.keys()) total += (await (await cache.match(request))!.blob()).size;
			}
			return total;
		});
		await peer.context.setOffline(true);
		bytes = 0;
		await peer.page.reload();
		await peer.page.locator('main[data-hydrated="true"]').waitFor();
		const offline = { firstPaintMs: await paint(), networkBytes: bytes };
		return { online, offline, precachedBytes };
	} finally {
		await peer.close();
	}
}

export interface FirstLoadGzip {
	/** The page, its stylesheets and every module it loads before it runs, each gzipped. */
	bytes: number;
	/**
	 * Of that, the chunk with the English messages, Paraglide's runtime and the language state, and the script that
	 * hides the prerendered English from a browser in another language (locale-boot.js).
	 */
	languageBytes: number;
	/**
	 * The English texts alone (every variant of every message in messages/en.json), gzipped: what an app
	 * without languages would carry in its components too, so the languages cost languageBytes minus this.
	 */
	englishTextBytes: number;
	/** Each other language's messages, gzipped: fetched only when that language is shown. */
	locales: Record<string, number>;
}

/** The classic script app.html loads first (src/lib/ui/locale-boot.ts): part of what the languages cost. */
const BOOT_SCRIPT = 'locale-boot.js';

const gzipped = (path: string): number => gzipSync(readFileSync(path)).length;

/**
 * What an English first visit to / downloads from the built app (`build/`), gzipped at zlib's default level:
 * the prerendered page, its stylesheets, scripts and modulepreloads, and every module those import statically
 * (dynamic imports, such as the other languages' messages, load later and only when used).
 */
export function firstLoadGzip(
	buildDir = 'build',
	manifestPath = '.svelte-kit/output/client/.vite/manifest.json',
): FirstLoadGzip {
	const html = readFileSync(join(buildDir, 'index.html'), 'utf8');
	const files = new Set(
		[...html.matchAll(/(?:href="|src="|import\(")\.\/([^"]+\.(?:js|css))"/g)].map(([, path]) => path),
	);
	const pending = [...files].filter((path) => path.endsWith('.js'));
	for (let path = pending.pop(); path; path = pending.pop()) {
		const source = readFileSync(join(buildDir, path), 'utf8');
		for (const [, imported] of source.matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.js)"/g)) {
			const resolved = normalize(join(dirname(path), imported));
			if (!files.has(resolved)) pending.push(resolved);
			files.add(resolved);
		}
	}
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<
		string,
		{ file: string; name?: string; src?: string; isDynamicEntry?: boolean }
	>;
	const chunks = Object.values(manifest);
	const language = chunks.find((chunk) => chunk.name === 'i18n.svelte' && files.has(chunk.file));
	const locales = Object.fromEntries(
		chunks
			.filter((chunk) => chunk.isDynamicEntry && chunk.src?.startsWith('src/lib/paraglide/messages/'))
			.map((chunk) => [chunk.name ?? chunk.file, gzipped(join(buildDir, chunk.file))]),
	);
	return {
		bytes:
			gzipped(join(buildDir, 'index.html')) +
			[...files].reduce((sum, path) => sum + gzipped(join(buildDir, path)), 0),
		languageBytes:
			(language ? gzipped(join(buildDir, language.file)) : 0) + gzipped(join(buildDir, BOOT_SCRIPT)),
		englishTextBytes: englishText(),
		locales,
	};
}

type Message = string | { match: Record<string, string> }[];

/** The English texts of messages/en.json, one per line, gzipped. */
function englishText(): number {
	const messages = JSON.parse(readFileSync('messages/en.json', 'utf8')) as Record<string, Message>;
	const texts = Object.entries(messages)
		.filter(([key]) => !key.startsWith('$'))
		.flatMap(([, message]) =>
			typeof message === 'string' ? [message] : message.flatMap((variant) => Object.values(variant.match)),
		);
	return gzipSync(texts.join('\n')).length;
}

/** One line for the bench log. */
export function describeFirstLoadGzip({
	bytes,
	languageBytes,
	englishTextBytes,
	locales,
}: FirstLoadGzip): string {
	const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
	const others = Object.entries(locales)
		.map(([locale, size]) => `${locale} ${kib(size)}`)
		.join(', ');
	return (
		`first load of / in English, gzip: ${kib(bytes)}, of which messages and runtime ${kib(languageBytes)} ` +
		`(the English text itself ${kib(englishTextBytes)}, so the languages cost ${kib(languageBytes - englishTextBytes)}); ` +
		`other languages when chosen: ${others}`
	);
}
