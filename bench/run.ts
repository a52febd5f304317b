// `npm run bench`: throughput, memory, connect time, signaling load and first load, measured in one run
// inside a loopback-only network namespace, then the same transfers over impaired networks (a UDP relay);
// prints a table with the targets and writes bench/results.json. `--only=networks --profiles=far`,
// `--only=loopback`, `--only=profile` (where both browsers spend CPU) or `--only=zip` (what Firefox keeps in
// memory saving a ZIP) runs a part and writes nothing. Speeds are medians of alternating runs (noisy machine:
// compare ratios within one run).
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureLoopbackNamespace } from '../tests/harness/loopback-netns.ts';
import { makeDir, makeFile } from '../tests/harness/files.ts';
import { startServer } from '../tests/harness/server.ts';
import { connectTimes } from './connect.ts';
import { profileTransfers } from './cpu-profile.ts';
import { describeFirstLoadGzip, firstLoad, firstLoadGzip } from './first-load.ts';
import { signalingLoad } from './signaling.ts';
import { measureNetwork, type NetworkResult } from './networks.ts';
import { median, mbPerSecond, mib, percentile } from './stats.ts';
import { APP_LANES as LANES } from '../tests/harness/relayed-signaling.ts';
import { PROFILES, type ProfileName } from '../tests/harness/udp-relay.ts';
import { appTransfer, bareTransfer, type Run } from './throughput.ts';
import { zipDownloads } from './zip-download.ts';

const args = process.argv.slice(2);
/**
 * The relay and the browsers take datagrams through UDP socket buffers that `net.core.rmem_max` caps (208 KiB
 * by default): at 200 Mbit/s that dropped 501 datagrams in one run, loss the profile did not ask for. The
 * setting is global (a network namespace cannot raise it), so it is raised here, as root, before entering one.
 */
const SOCKET_BUFFER_BYTES = 4 * 2 ** 20;
if (process.env.PAIRBEAM_NETNS !== '1') {
	for (const limit of ['rmem_max', 'wmem_max']) {
		const path = `/proc/sys/net/core/${limit}`;
		if (Number(readFileSync(path, 'utf8')) >= SOCKET_BUFFER_BYTES) continue;
		try {
			writeFileSync(path, String(SOCKET_BUFFER_BYTES));
			console.log(`[bench] raised net.core.${limit} to ${SOCKET_BUFFER_BYTES} for the UDP relay`);
		} catch {
			console.warn(
				`[bench] net.core.${limit} is below 4 MiB and not root: drops will be counted as kernel drops`,
			);
		}
	}
}
ensureLoopbackNamespace('bench/run.ts', args);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = option('only');
if (only !== undefined && !['networks', 'loopback', 'profile', 'zip'].includes(only)) {
	throw new Error(`--only takes "networks", "loopback", "profile" or "zip", not "${only}"`);
}
const profiles = (option('profiles')?.split(',') ?? Object.keys(PROFILES)) as ProfileName[];
for (const p of profiles) if (!(p in PROFILES)) throw new Error(`no network profile "${p}"`);
const GIB = 2 ** 30;
const size = quick ? 128 * 2 ** 20 : GIB;
const bigSize = quick ? 512 * 2 ** 20 : 4 * GIB;
const runs = quick ? 1 : 3;
const pairings = quick ? 5 : 20;
const sessionCounts = quick ? [100] : [100, 1000];

const log = (text: string) => console.log(`[bench] ${text}`);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

type Row = [string, string, string];

/**
 * Bytes per profile, sized so one bare-channel run takes about a minute: with random loss one SCTP association
 * is held to roughly packet size / RTT / sqrt(loss) (measured: 5.2, 0.42 and 0.09 MB/s), far below the caps.
 */
const NETWORK_BYTES: Record<ProfileName, number> = {
	lan: GIB / 4,
	broadband: 32 * 2 ** 20,
	far: 8 * 2 ** 20,
};

/** The loopback section: app against bare, memory at two sizes, connect time, signaling, first load. */
async function loopback(origin: string) {
	log(`writing ${mib(size)} MiB and ${mib(bigSize)} MiB test files`);
	const file = makeFile(dir, 'bench.bin', size);

	const app: Run[] = [];
	const singleLaneApp: Run[] = [];
	const bare: Run[] = [];
	const ceiling: Run[] = [];
	for (let run = 1; run <= runs; run++) {
		app.push(await appTransfer(origin, file.path));
		log(`run ${run}: app ${fmt(mbPerSecond(size, app.at(-1)!.ms))} MB/s`);
		singleLaneApp.push(await appTransfer(origin, file.path, 1));
		log(`run ${run}: app on one lane ${fmt(mbPerSecond(size, singleLaneApp.at(-1)!.ms))} MB/s`);
		bare.push(await bareTransfer(origin, file.path, size, { write: true }));
		log(`run ${run}: bare + OPFS ${fmt(mbPerSecond(size, bare.at(-1)!.ms))} MB/s`);
		ceiling.push(await bareTransfer(origin, file.path, size, { write: false }));
		log(`run ${run}: bare, count only ${fmt(mbPerSecond(size, ceiling.at(-1)!.ms))} MB/s`);
	}
	rmSync(file.path);
	const big = makeFile(dir, 'bench-big.bin', bigSize);
	const bigRun = await appTransfer(origin, big.path);
	log(`app with ${mib(bigSize)} MiB: ${fmt(mbPerSecond(bigSize, bigRun.ms))} MB/s`);
	rmSync(big.path);

	// First load before the signaling load: the Worker is still closing 2,000 sockets after that one.
	const load = await firstLoad(origin);
	const connects = await connectTimes(origin, pairings);
	const signaling = [];
	for (const count of sessionCounts) signaling.push(await signalingLoad(origin, count));

	const appMbps = median(app.map((r) => mbPerSecond(size, r.ms)));
	const singleLaneMbps = median(singleLaneApp.map((r) => mbPerSecond(size, r.ms)));
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
	const sizeLabel = sizeText(size);
	const bigLabel = sizeText(bigSize);
	const rows: [string, string, string][] = [
		[`app, ${sizeLabel} to OPFS (median of ${runs})`, `${fmt(appMbps)} MB/s`, ''],
		[`bare channel, 256 KiB msgs, 4 MiB OPFS writes`, `${fmt(bareMbps)} MB/s`, ''],
		['app / bare', fmt(appMbps / bareMbps, 2), '>= 0.95'],
		[`app on 1 lane / on ${LANES} lanes`, `${fmt(singleLaneMbps)} / ${fmt(appMbps)} MB/s`, ''],
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
	const striping = { channels: LANES, appMBps: appMbps, singleChannelAppMBps: singleLaneMbps };
	return {
		rows,
		data: { size, bigSize, app, singleLaneApp, bare, ceiling, bigRun, connects, signaling, load, striping },
	};
}

/** The networks section: per profile, the app against a bare channel through the relay, connects, resume. */
async function networks(origin: string) {
	const results: NetworkResult[] = [];
	for (const profile of profiles) {
		const bytes = NETWORK_BYTES[profile] / (quick ? 4 : 1);
		const file = makeFile(dir, `${profile}.bin`, bytes);
		const resumeFile = profile === 'far' ? makeFile(dir, 'resume.bin', 16 * 2 ** 20) : undefined;
		results.push(
			await measureNetwork(origin, { profile, file, runs, pairings: quick ? 3 : 5, resumeFile, log }),
		);
		rmSync(file.path);
		if (resumeFile) rmSync(resumeFile.path);
	}
	const rows = results.flatMap((n): Row[] => [
		[
			`${n.profile} (${n.rttMs} ms, ${n.lossPct}% loss, ${n.rateMbps} Mbit/s; measured RTT ${fmt(n.measuredRttMs, 0)} ms): app / bare, ${sizeText(n.bytes)}`,
			`${fmt(n.appMBps, 2)} / ${fmt(n.bareMBps, 2)} MB/s = ${fmt(n.ratio, 2)}`,
			'>= 0.90',
		],
		[
			`${n.profile}: app on 1 lane / on ${LANES} lanes`,
			`${fmt(n.singleLaneAppMBps, 2)} / ${fmt(n.appMBps, 2)} MB/s = x${fmt(n.appMBps / n.singleLaneAppMBps, 2)}`,
			'',
		],
		[`${n.profile}: connect, deep link -> channel open, p50`, `${fmt(n.connectP50Ms, 0)} ms`, ''],
		...(n.resume
			? [
					[
						`${n.profile}: resume after a cut at 50% of ${sizeText(n.resume.bytes)}, sent again`,
						`${fmt(mib(n.resume.resentBytes))} MiB`,
						'<= 17 MiB',
					] as Row,
				]
			: []),
		...(n.kernelDrops > 0
			? [
					[
						`${n.profile}: datagrams dropped by full socket buffers (raise net.core.rmem_max)`,
						`${n.kernelDrops}`,
						'0',
					] as Row,
				]
			: []),
	]);
	return { rows, results };
}

function sizeText(bytes: number): string {
	return mib(bytes) >= 1024 ? `${mib(bytes) / 1024} GiB` : `${mib(bytes)} MiB`;
}

execSync('npm run --silent build', { stdio: 'inherit' });
log(describeFirstLoadGzip(firstLoadGzip()));
const server = await startServer({
	skipBuild: true,
	vars: { STUN_URLS: '', CREATE_LIMIT_PER_MINUTE: '1000000' },
});
const dir = makeDir();
try {
	if (only === 'profile') {
		const file = makeFile(dir, 'profile.bin', size / 2);
		await profileTransfers(server.url, file.path, file.size, log);
	} else if (only === 'zip') printTable(await zipDownloads(server.url, dir, log));
	else await measure();
} finally {
	await server.stop();
	rmSync(dir, { recursive: true, force: true });
}

/** Prints the figures as a table under the date and the machine; returns the machine's description. */
function printTable(rows: Row[]): string {
	const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / GIB, 0)} GiB, Chromium ${execSync('chromium --version').toString().trim().split(' ')[1]}`;
	const width = Math.max(...rows.map((r) => r[0].length));
	console.log(`\nPairbeam benchmark, ${new Date().toISOString().slice(0, 10)}, ${machine}\n`);
	console.log(`| ${'measure'.padEnd(width)} | figure | target |\n|---|---|---|`);
	for (const [name, figure, target] of rows) console.log(`| ${name.padEnd(width)} | ${figure} | ${target} |`);
	return machine;
}

/** Every section asked for: the table, and bench/results.json for a full run. */
async function measure(): Promise<void> {
	const local = only === 'networks' ? null : await loopback(server.url);
	const impaired = only === 'loopback' ? { rows: [], results: [] } : await networks(server.url);
	const rows = [...(local?.rows ?? []), ...impaired.rows];
	const machine = printTable(rows);
	if (!only && local) {
		const date = new Date().toISOString();
		const results = { date, machine, quick, ...local.data, networks: impaired.results, rows };
		writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
		log('wrote bench/results.json');
	}
}
