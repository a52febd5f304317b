// What Firefox (no save pickers) keeps in memory while it saves: a folder of 2,000 files plus one large file,
// just under MAX_STREAMED_BYTES, as one ZIP the service worker streams, and a 4 GiB file, over that limit,
// staged in OPFS. Firefox held a streamed download in memory (docs/measurements.md). `--only=zip`.
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
import { makeFile, makeTree, sha256OfFile } from '../tests/harness/files.ts';
import { descendantsOf } from '../tests/harness/server.ts';
import { listing, run, UNZIP, UNZIP_ENV } from '../tests/harness/unzip.ts';
import { MAX_STREAMED_BYTES } from '../src/lib/sinks/streamed-limit.ts';
import { pssBytes } from './process-memory.ts';
import { mbPerSecond, mib } from './stats.ts';

const GIB = 2 ** 30;
const ROOT = 'Projekt ✓ 日本';

type Row = [string, string, string];

/** Firefox's PSS, all its processes, sampled while `work` runs; with the seconds it took. */
async function measured(
	firefox: FirefoxPeer,
	work: () => Promise<void>,
): Promise<{ peak: number; ms: number }> {
	const main = firefox.browser.process()?.pid;
	if (main === undefined) throw new Error('Firefox was started without a process of its own');
	const sampler = peakSampler(async () =>
		[main, ...descendantsOf(main)].reduce((sum, pid) => sum + pssBytes(pid), 0),
	);
	const started = performance.now();
	await work();
	const ms = performance.now() - started;
	return { peak: await sampler.stop(), ms };
}

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
	log('writing a 2,000-file folder with one large file in it, just under the streamed limit');
	const tree = makeTree(dir, ROOT);
	const big = makeFile(join(dir, ROOT), 'big.bin', MAX_STREAMED_BYTES - tree.total);
	const folderBytes = tree.total + big.size;

	const zip = await withPair(origin, true, async (firefox, chromium) => {
		await pickFolder(chromium, join(dir, ROOT));
		await confirmPeer(chromium);
		const result = await measured(firefox, async () => {
			await firefoxAccepts(firefox, chromium, 30 * 60_000);
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
	log(
		`ZIP, folder of ${tree.files.size + 1} files (${mib(folderBytes).toFixed(0)} MiB): peak PSS ${mib(zip.peak).toFixed(0)} MiB`,
	);
	rmSync(join(dir, ROOT), { recursive: true, force: true });

	log('writing a 4 GiB file');
	const large = makeFile(dir, 'large.bin', 4 * GIB);
	const staged = await withPair(origin, true, async (firefox, chromium) => {
		await sendFiles(chromium, [large.path]);
		const result = await measured(firefox, async () => {
			await firefoxAccepts(firefox, chromium, 30 * 60_000);
			await downloaded(firefox, 1, 5 * 60_000);
		});
		const savedSha = await sha256OfFile(join(firefox.downloads, large.name));
		if (savedSha !== large.sha256) throw new Error(`the staged download is not what was sent: ${savedSha}`);
		return result;
	});
	log(`4 GiB, over the limit so staged in OPFS: peak PSS ${mib(staged.peak).toFixed(0)} MiB`);

	return [
		[
			`Firefox, one ZIP streamed by the service worker: ${tree.files.size + 1} files, ${mib(folderBytes).toFixed(0)} MiB`,
			`${mbPerSecond(folderBytes, zip.ms).toFixed(1)} MB/s, peak PSS ${mib(zip.peak).toFixed(0)} MiB`,
			'',
		],
		[
			'Firefox, 4 GiB (over the streamed limit): staged in OPFS, then downloaded',
			`${mbPerSecond(large.size, staged.ms).toFixed(1)} MB/s, peak PSS ${mib(staged.peak).toFixed(0)} MiB`,
			'',
		],
	];
}
