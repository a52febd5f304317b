// Precaches the app shell so Pairbeam opens offline, takes in files shared to the installed app, and streams
// the downloads of browsers without a save picker from the page (sinks/download-stream.ts).
// A new version waits until the user presses reload (SKIP_WAITING); /api/* is never cached or intercepted.
import { version } from '$app/env';
import { assets, immutable, prerendered } from '$app/manifest';
import { self } from '$app/service-worker';
import {
	deleteStaleShares,
	NOT_STORED,
	SHARE_ACTION,
	SHARE_PARAM,
	SHARE_REFUSED_PARAM,
	storeShare,
	type StoreResult,
} from './lib/pwa/share-store';
import {
	DOWNLOAD_PATH,
	downloadResponse,
	isDownloadRequest,
	type DownloadRequest,
} from './lib/sinks/download-stream';

const SHELL_PREFIX = 'pairbeam-shell-';
const SHELL_CACHE = `${SHELL_PREFIX}${version}`;
/** Store screenshots are for install dialogs only; the app never shows them, so they are not precached. */
const NOT_PRECACHED = /^\/?screenshots\//;
const SHELL = [...immutable, ...prerendered, ...assets]
	.map(({ path }) => path)
	.filter((path) => !NOT_PRECACHED.test(path))
	.map((path) => new URL(path, self.registration.scope).pathname);
const HOME = new URL('./', self.registration.scope).pathname;

self.addEventListener('install', (event) => {
	event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener('activate', (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((names) =>
				Promise.all(
					names
						.filter((name) => name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE)
						.map((name) => caches.delete(name)),
				),
			),
	);
});

/** Downloads a page announced and has not yet started, by id, with the port their bytes come through. */
const downloads = new Map<string, { request: DownloadRequest; port: MessagePort }>();

self.addEventListener('message', (event) => {
	const data: unknown = event.data;
	if ((data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
	const port = event.ports[0];
	if (isDownloadRequest(data) && port) {
		downloads.set(data.id, { request: data, port });
		port.postMessage({ t: 'ready' });
	}
});

/** A download's URL, opened once: its bytes come from the page that announced it. */
function download(id: string): Response {
	const announced = downloads.get(id);
	downloads.delete(id);
	if (!announced)
		return new Response('This download is over, or was not started on this device.', { status: 404 });
	return downloadResponse(announced.request, announced.port);
}

/** One share is stored at a time, so two arriving together cannot both fit under the size cap. */
let storing: Promise<unknown> = Promise.resolve();

/**
 * Stores the shared files and text (or refuses them past the size cap), then sends the browser to the
 * home page, which shows the share for the user to keep or discard, or says why it was refused.
 */
async function receiveShare(request: Request): Promise<Response> {
	const stored = storing
		.then(async () => {
			await deleteStaleShares();
			return storeShare(request);
		})
		.catch((): StoreResult => ({ ok: false, reason: NOT_STORED }));
	storing = stored;
	const result = await stored;
	const query = result.ok
		? `${SHARE_PARAM}=${encodeURIComponent(result.id)}`
		: `${SHARE_REFUSED_PARAM}=${result.reason}`;
	return Response.redirect(`${HOME}?${query}`, 303);
}

/** The shell's copy of this request; a page it lacks comes from the network, or offline the home page. */
async function fromShell(request: Request): Promise<Response> {
	const cache = await caches.open(SHELL_CACHE);
	const navigation = request.mode === 'navigate';
	const cached = await cache.match(request, { ignoreSearch: navigation });
	if (cached) return cached;
	try {
		return await fetch(request);
	} catch (error) {
		const home = navigation ? await cache.match(HOME) : undefined;
		if (home) return home;
		throw error;
	}
}

self.addEventListener('fetch', (event) => {
	const { request } = event;
	const url = new URL(request.url);
	if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
	if (request.method === 'POST' && url.pathname === SHARE_ACTION) {
		event.respondWith(receiveShare(request));
		return;
	}
	if (request.method !== 'GET') return;
	if (url.pathname.startsWith(DOWNLOAD_PATH)) {
		event.respondWith(download(url.pathname.slice(DOWNLOAD_PATH.length)));
		return;
	}
	if (request.mode === 'navigate' || SHELL.includes(url.pathname)) event.respondWith(fromShell(request));
});
