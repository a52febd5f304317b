// `npm run bench`: throughput, memory, connect time, signaling load and first load, measured in one run
// inside a loopback-only network namespace; prints a table with the targets and writes bench/results.json.
// Speeds are medians of alternating runs (the machine is noisy: compare ratios from one run, not across runs).
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { rmSync, writeFileSync } from 'node:fs';
import { ensureLoopbackNamespace } from '../tests/harness/loopback-netns.ts';
import { makeDir, makeFile } from '../tests/harness/files.ts';
import { startServer } from '../tests/harness/server.ts';
import { connectTimes } from './connect.ts';
import { firstLoad } from './first-load.ts';
import { signalingLoad } from './signaling.ts';
import { median, mbPerSecond, mib, percentile } from './stats.ts';
import { appTransfer, bareTransfer, type Run } from './throughput.ts';

const args = process.argv.slice(2);
ensureLoopbackNamespace('bench/run.ts', args);
const quick = args.includes('--quick');
const GIB = 2 ** 30;
const size = quick ? 128 * 2 ** 20 : GIB;
const bigSize = quick ? 512 * 2 ** 20 : 4 * GIB;
const runs = quick ? 1 : 3;
const pairings = quick ? 5 : 20;
const sessionCounts = quick ? [100] : [100, 1000];

const log = (text: string) => console.log(`[bench] ${text}`);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

execSync('npm run --silent build', { stdio: 'inherit' });
const server = await startServer({
	skipBuild: true,
	vars: { STUN_URLS: '', CREATE_LIMIT_PER_MINUTE: '1000000' },
});
const dir = makeDir();
try {
	log(`writing ${mib(size)} MiB and ${mib(bigSize)} MiB test files`);
	const file = makeFile(dir, 'bench.bin', size);

	const app: Run[] = [];
	const bare: Run[] = [];
	const ceiling: Run[] = [];
	for (let run = 1; run <= runs; run++) {
		app.push(await appTransfer(server.url, file.path));
		log(`run ${run}: app ${fmt(mbPerSecond(size, app.at(-1)!.ms))} MB/s`);
		bare.push(await bareTransfer(server.url, file.path, size, true));
		log(`run ${run}: bare + OPFS ${fmt(mbPerSecond(size, bare.at(-1)!.ms))} MB/s`);
		ceiling.push(await bareTransfer(server.url, file.path, size, false));
		log(`run ${run}: bare, count only ${fmt(mbPerSecond(size, ceiling.at(-1)!.ms))} MB/s`);
	}
	rmSync(file.path);
	const big = makeFile(dir, 'bench-big.bin', bigSize);
	const bigRun = await appTransfer(server.url, big.path);
	log(`app with ${mib(bigSize)} MiB: ${fmt(mbPerSecond(bigSize, bigRun.ms))} MB/s`);
	rmSync(big.path);

	// First load before the signaling load: the Worker is still closing 2,000 sockets after that one.
	const load = await firstLoad(server.url);
	const connects = await connectTimes(server.url, pairings);
	const signaling = [];
	for (const count of sessionCounts) signaling.push(await signalingLoad(server.url, count));

	const appMbps = median(app.map((r) => mbPerSecond(size, r.ms)));
	const bareMbps = median(bare.map((r) => mbPerSecond(size, r.ms)));
	const ceilingMbps = median(ceiling.map((r) => mbPerSecond(size, r.ms)));
	const peak = (pick: (r: Run) => number) => Math.max(...app.map(pick));
	const memory = {
		small: {
			receiverHeap: peak((r) => r.receiverHeap),
			senderHeap: peak((r) => r.senderHeap),
			receiverPss: peak((r) => r.receiverPss),
			senderPss: peak((r) => r.senderPss),
		},
		big: bigRun,
	};
	const pssGrowth = memory.big.receiverPss / memory.small.receiverPss - 1;
	const sizeLabel = `${mib(size) >= 1024 ? `${mib(size) / 1024} GiB` : `${mib(size)} MiB`}`;
	const bigLabel = `${mib(bigSize) >= 1024 ? `${mib(bigSize) / 1024} GiB` : `${mib(bigSize)} MiB`}`;
	const rows: [string, string, string][] = [
		[`app, ${sizeLabel} to OPFS (median of ${runs})`, `${fmt(appMbps)} MB/s`, ''],
		[`bare channel, 256 KiB msgs, 4 MiB OPFS writes`, `${fmt(bareMbps)} MB/s`, ''],
		['app / bare', fmt(appMbps / bareMbps, 2), '>= 0.90'],
		['bare channel, receiver only counts (ceiling)', `${fmt(ceilingMbps)} MB/s`, ''],
		[
			`peak JS heap, receiver / sender (${sizeLabel})`,
			`${fmt(mib(memory.small.receiverHeap))} / ${fmt(mib(memory.small.senderHeap))} MiB`,
			'< 64 MiB',
		],
		[
			`peak JS heap, receiver / sender (${bigLabel})`,
			`${fmt(mib(memory.big.receiverHeap))} / ${fmt(mib(memory.big.senderHeap))} MiB`,
			'< 64 MiB',
		],
		[
			`bare channel receiver, no flow control: peak JS heap (${sizeLabel})`,
			`${fmt(mib(Math.max(...bare.map((r) => r.receiverHeap))))} MiB`,
			'',
		],
		[
			`peak browser memory (PSS), receiver / sender (${sizeLabel})`,
			`${fmt(mib(memory.small.receiverPss), 0)} / ${fmt(mib(memory.small.senderPss), 0)} MiB`,
			'',
		],
		[
			`peak browser memory (PSS), receiver / sender (${bigLabel})`,
			`${fmt(mib(memory.big.receiverPss), 0)} / ${fmt(mib(memory.big.senderPss), 0)} MiB`,
			'',
		],
		[`receiver memory (PSS) growth ${sizeLabel} -> ${bigLabel}`, `${fmt(pssGrowth * 100)} %`, 'within 10 %'],
		[
			`connect, deep link -> channel open (${pairings} pairings) p50 / p95`,
			`${fmt(percentile(connects, 50), 0)} / ${fmt(percentile(connects, 95), 0)} ms`,
			'p50 < 1000 ms',
		],
		...signaling.map((s): [string, string, string] => [
			`signaling, ${s.sessions} sessions x 50 frames: pairings/s, relay p50 / p99, lost`,
			`${fmt(s.pairingsPerSecond, 0)}/s, ${fmt(s.latencyP50)} / ${fmt(s.latencyP99)} ms, ${s.lost} lost`,
			'0 lost',
		]),
		[
			'first load: first contentful paint, network bytes',
			`${fmt(load.online.firstPaintMs, 0)} ms, ${fmt(load.online.networkBytes / 1024)} KiB`,
			'',
		],
		[
			'offline load (service worker): first contentful paint, network bytes',
			`${fmt(load.offline.firstPaintMs, 0)} ms, ${fmt(load.offline.networkBytes / 1024)} KiB`,
			'',
		],
		['precached by the service worker', `${fmt(load.precachedBytes / 1024)} KiB`, ''],
	];
	const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / GIB, 0)} GiB, Chromium ${execSync('chromium --version').toString().trim().split(' ')[1]}`;
	const width = Math.max(...rows.map((r) => r[0].length));
	console.log(`\nPairbeam benchmark, ${new Date().toISOString().slice(0, 10)}, ${machine}\n`);
	console.log(`| ${'measure'.padEnd(width)} | figure | target |\n|---|---|---|`);
	for (const [name, figure, target] of rows) console.log(`| ${name.padEnd(width)} | ${figure} | ${target} |`);
	writeFileSync(
		'bench/results.json',
		`${JSON.stringify({ date: new Date().toISOString(), machine, quick, size, bigSize, app, bare, ceiling, bigRun, connects, signaling, load, rows }, null, 2)}\n`,
	);
	log('wrote bench/results.json');
} finally {
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}
