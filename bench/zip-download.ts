// What Firefox (no save pickers) keeps in memory while it saves: a folder of 2,000 files and a 5 GiB file of
// sparse content as one ZIP64 the service worker streams, and, on a first visit (no worker yet), 1 GiB staged
// in OPFS. Memory is Firefox's PSS over all its processes, idle before and at its peak. `--only=zip`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchPeer, peakSampler, pickFolder, confirmPeer, sendFiles } from '../tests/harness/browser.ts';
import {
	chromiumJoinsFirefox,
	controlledByServiceWorker,
	downloaded,
	firefoxAccepts,
	launchFirefox,
	openInFirefox,
	type FirefoxPeer,
} from '../tests/harness/firefox.ts';
import { makeFile, makeSparseFile, makeTree, sha256OfFile } from '../tests/harness/files.ts';
import { descendantsOf } from '../tests/harness/server.ts';
import { listing, run, UNZIP, UNZIP_ENV } from '../tests/harness/unzip.ts';
import { pssBytes } from './process-memory.ts';
import { mbPerSecond, mib } from './stats.ts';

const GIB = 2 ** 30;
const ROOT = 'Projekt ✓ 日本';

type Row = [string, string, string];

/** Firefox's PSS, all its processes, before `work` (idle) and at its peak while it runs; with the time it took. */
async function measured(
	firefox: FirefoxPeer,
	work: () => Promise<void>,
): Promise<{ idle: number; peak: number; ms: number }> {
	const main = firefox.browser.process()?.pid;
	if (main === undefined) throw new Error('Firefox was started without a process of its own');
	const pss = () => [main, ...descendantsOf(main)].reduce((sum, pid) => sum + pssBytes(pid), 0);
	const idle = pss();
	const sampler = peakSampler(async () => pss());
	const started = performance.now();
	await work();
	const ms = performance.now() - started;
	return { idle, peak: await sampler.stop(), ms };
}

const memory = ({ idle, peak }: { idle: number; peak: number }) =>
	`peak PSS ${mib(peak).toFixed(0)} MiB (idle ${mib(idle).toFixed(0)} MiB, +${mib(peak - idle).toFixed(0)})`;

/** SHA-256 (hex) of one entry of a ZIP, as the real unzip extracts it to a pipe. */
async function entrySha256(zip: string, entry: string): Promise<string> {
	const { stdout } = await run('sh', ['-c', `"${UNZIP}" -p "$1" "$2" | sha256sum`, 'sh', zip, entry], {
		env: UNZIP_ENV,
		maxBuffer: 1024,
	});
	return stdout.split(' ')[0];
}

/** Pairs a fresh Firefox (controlled by its service worker, or on a first visit) with a fresh Chromium. */
async function withPair<T>(
	origin: string,
	controlled: boolean,
	work: (firefox: FirefoxPeer, chromium: Awaited<ReturnType<typeof launchPeer>>) => Promise<T>,
): Promise<T> {
	const firefox = await launchFirefox();
	const chromium = await launchPeer(origin);
	try {
		await openInFirefox(firefox, origin);
		if (controlled) await controlledByServiceWorker(firefox);
		await chromiumJoinsFirefox(firefox, chromium);
		return await work(firefox, chromium);
	} finally {
		await firefox.close();
		await chromium.close();
	}
}

export async function zipDownloads(origin: string, dir: string, log: (text: string) => void): Promise<Row[]> {
	log('writing a 2,000-file folder and a 5 GiB file of sparse content in it');
	const tree = makeTree(dir, ROOT);
	const big = await makeSparseFile(join(dir, ROOT), 'big.bin', 5 * GIB);
	const folderBytes = tree.total + big.size;

	const zip = await withPair(origin, true, async (firefox, chromium) => {
		await pickFolder(chromium, join(dir, ROOT));
		await confirmPeer(chromium);
		const result = await measured(firefox, async () => {
			await firefoxAccepts(firefox, chromium, 60 * 60_000);
			await downloaded(firefox, 1, 5 * 60_000);
		});
		const saved = join(firefox.downloads, `${ROOT}.zip`);
		const entries = (await listing(saved)).filter((name) => !name.endsWith('/'));
		const bigSha = await entrySha256(saved, `${ROOT}/big.bin`);
		if (entries.length !== tree.files.size + 1 || bigSha !== big.sha256) {
			throw new Error(`the ZIP holds ${entries.length} files, big.bin ${bigSha}: not what was sent`);
		}
		return result;
	});
	const folder = `${tree.files.size + 1} files, ${(folderBytes / GIB).toFixed(2)} GiB`;
	log(`ZIP64 streamed, ${folder}: ${memory(zip)}`);
	rmSync(join(dir, ROOT), { recursive: true, force: true });

	log('writing a 1 GiB file');
	const large = makeFile(dir, 'large.bin', GIB);
	const staged = await withPair(origin, false, async (firefox, chromium) => {
		await sendFiles(chromium, [large.path]);
		const result = await measured(firefox, async () => {
			await firefoxAccepts(firefox, chromium, 30 * 60_000);
			await downloaded(firefox, 1, 5 * 60_000);
		});
		const savedSha = await sha256OfFile(join(firefox.downloads, large.name));
		if (savedSha !== large.sha256) throw new Error(`the staged download is not what was sent: ${savedSha}`);
		return result;
	});
	log(`1 GiB on a first visit, staged in OPFS: ${memory(staged)}`);

	return [
		[
			`Firefox, one ZIP64 streamed by the service worker: ${folder} (one of 5 GiB, sparse content)`,
			`${mbPerSecond(folderBytes, zip.ms).toFixed(1)} MB/s, ${memory(zip)}`,
			'flat',
		],
		[
			'Firefox, 1 GiB on a first visit (no service worker yet): staged in OPFS, then downloaded',
			`${mbPerSecond(large.size, staged.ms).toFixed(1)} MB/s, ${memory(staged)}`,
			'flat',
		],
	];
}
