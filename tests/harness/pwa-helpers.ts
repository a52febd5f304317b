// Helpers for the PWA suites: service worker state, the share store in Cache Storage, axe-core checks,
// fake camera videos (Y4M) showing a QR code, and which JS files the built app loads for a page.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Resolves once this page's origin has an activated service worker. */
export async function serviceWorkerActivated(page: Page): Promise<void> {
	await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
}

/** The paths of everything kept in the share store (the cache the service worker writes shares to). */
export function sharedEntries(page: Page): Promise<string[]> {
	return page.evaluate(async () => {
		if (!(await caches.has('pairbeam-shared'))) return [];
		const cache = await caches.open('pairbeam-shared');
		return (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
	});
}

/**
 * Submits a multipart form to the share target, as the OS share sheet would: from inside the app's origin,
 * or (`action` an absolute URL, from about:blank) from another site. Resolves once the service worker has
 * sent the browser back to the app with the share's id, or with the reason it refused it.
 */
export async function shareToApp(
	page: Page,
	paths: string[],
	fields: { title?: string; text?: string; url?: string } = {},
	action = '/share',
): Promise<void> {
	await page.evaluate(
		({ values, target }) => {
			const form = document.createElement('form');
			form.id = 'os-share';
			form.method = 'post';
			form.enctype = 'multipart/form-data';
			form.action = target;
			const files = document.createElement('input');
			files.type = 'file';
			files.name = 'files';
			files.multiple = true;
			form.append(files);
			for (const [name, value] of Object.entries(values)) {
				const input = document.createElement('input');
				input.type = 'hidden';
				input.name = name;
				input.value = value;
				form.append(input);
			}
			document.body.append(form);
		},
		{ values: fields, target: action },
	);
	await page.locator('#os-share input[type="file"]').setInputFiles(paths);
	await Promise.all([
		page.waitForURL((url) => url.searchParams.has('share') || url.searchParams.has('share-refused')),
		page.evaluate(() => (document.getElementById('os-share') as HTMLFormElement).submit()),
	]);
}

/** Posts a share to the app at `origin` from a page of no origin of its own, as any other site can. */
export async function shareFromAnotherSite(
	page: Page,
	origin: string,
	paths: string[],
	fields: { title?: string; text?: string; url?: string } = {},
): Promise<void> {
	await page.goto('about:blank');
	await shareToApp(page, paths, fields, `${origin}/share`);
}

export interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: string[];
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
	// Evaluated, not added as a <script>: the app's CSP rightly refuses inline scripts it does not know.
	await page.evaluate(AXE_SOURCE);
	return page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run(): Promise<{ violations: Record<string, unknown>[] }> } })
			.axe;
		const { violations } = await axe.run();
		return violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => ({
				id: String(v.id),
				impact: v.impact as string,
				help: String(v.help),
				nodes: (v.nodes as { target: string[] }[]).map((n) => n.target.join(' ')),
			}));
	});
}

/** Writes a Y4M video (4:2:0, a few identical frames) of `text` as a QR code, for Chromium's fake camera. */
export function writeQrVideo(path: string, text: string, width = 640, height = 480): void {
	const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const quiet = 4;
	// qr-scanner looks at the centred square of 2/3 of the frame: keep the code well inside it.
	const scale = Math.floor((Math.min(width, height) * 0.6) / (modules.size + 2 * quiet));
	const side = scale * (modules.size + 2 * quiet);
	const left = Math.floor((width - side) / 2);
	const top = Math.floor((height - side) / 2);
	const luma = Buffer.alloc(width * height, 235);
	for (let y = 0; y < modules.size; y++) {
		for (let x = 0; x < modules.size; x++) {
			if (!modules.data[y * modules.size + x]) continue;
			for (let dy = 0; dy < scale; dy++) {
				const row = (top + (y + quiet) * scale + dy) * width + left + (x + quiet) * scale;
				luma.fill(16, row, row + scale);
			}
		}
	}
	const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
	const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F5:1 Ip A1:1 C420jpeg\n`);
	writeFileSync(path, Buffer.concat([header, ...Array.from({ length: 5 }, () => frame)]));
}

/** Chromium flags for a fake camera showing `video` (a Y4M file). */
export const fakeCamera = (video: string): string[] => [
	'--use-fake-device-for-media-stream',
	`--use-file-for-fake-video-capture=${video}`,
];

interface ViteChunk {
	file: string;
	imports?: string[];
}

/** The built file of a source module (from Vite's manifest), e.g. `node_modules/qr-scanner/qr-scanner.min.js`. */
export function builtFile(source: string): string {
	const manifest = JSON.parse(
		readFileSync('.svelte-kit/output/client/.vite/manifest.json', 'utf8'),
	) as Record<string, ViteChunk>;
	const chunk = manifest[source];
	if (!chunk) throw new Error(`${source} is not in the client build`);
	return `/${chunk.file}`;
}
