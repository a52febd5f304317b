// The app against a bare DataChannel on impaired networks: every WebRTC datagram crosses a userspace UDP relay
// (delay, jitter, loss, rate cap; no netem here) for each of the profiles in tests/harness/udp-relay.ts.
// Each run gets a fresh relay seeded by its number, so the app and bare runs of one round meet the same loss draws.
import { readFileSync } from 'node:fs';
import { startRelayedSignaling } from '../tests/harness/relayed-signaling.ts';
import { PROFILES, startUdpRelay, type ProfileName, type UdpRelay } from '../tests/harness/udp-relay.ts';
import { connectTimes } from './connect.ts';
import { mbPerSecond, median, percentile } from './stats.ts';
import { appResume, appTransfer, bareTransfer, type Resume, type Run } from './throughput.ts';

export interface NetworkResult {
	profile: ProfileName;
	rttMs: number;
	lossPct: number;
	rateMbps: number;
	/** Medians over the runs; the RTT is what the browsers' getStats() said before the transfers. */
	measuredRttMs: number;
	appMBps: number;
	bareMBps: number;
	ratio: number;
	bytes: number;
	app: Run[];
	bare: Run[];
	connectP50Ms: number;
	connects: number[];
	/** Datagrams the kernel dropped for full socket buffers during the runs (not the profile's loss). */
	kernelDrops: number;
	resume?: Resume & { bytes: number };
}

/** UDP receive-buffer overflows in this network namespace so far (the relay cannot count those itself). */
function udpBufferDrops(): number {
	const [names, values] = readFileSync('/proc/net/snmp', 'utf8')
		.split('\n')
		.filter((line) => line.startsWith('Udp:'));
	const at = names.split(/\s+/).indexOf('RcvbufErrors');
	return Number(values.split(/\s+/)[at]);
}

async function throughRelay<T>(
	profile: ProfileName,
	seed: number,
	work: (relay: UdpRelay) => Promise<T>,
): Promise<T> {
	const relay = await startUdpRelay({ ...PROFILES[profile], seed });
	try {
		return await work(relay);
	} finally {
		await relay.close();
	}
}

/** The app through the relay: its pages open the relayed signaling proxy, which rewrites their candidates. */
function viaApp<T>(origin: string, relay: UdpRelay, work: (relayedOrigin: string) => Promise<T>): Promise<T> {
	return startRelayedSignaling(origin, relay).then(async (signaling) => {
		try {
			return await work(signaling.url);
		} finally {
			await signaling.close();
		}
	});
}

export interface NetworkPlan {
	profile: ProfileName;
	file: { path: string; size: number };
	runs: number;
	pairings: number;
	/** A file to cut at 50% and resume, when this profile measures resume. */
	resumeFile?: { path: string; size: number };
	log: (text: string) => void;
}

export async function measureNetwork(origin: string, plan: NetworkPlan): Promise<NetworkResult> {
	const { profile, file, runs, log } = plan;
	const dropsBefore = udpBufferDrops();
	const app: Run[] = [];
	const bare: Run[] = [];
	for (let run = 1; run <= runs; run++) {
		app.push(
			await throughRelay(profile, run, (relay) =>
				viaApp(origin, relay, (url) => appTransfer(url, file.path)),
			),
		);
		log(`${profile} run ${run}: app ${mbPerSecond(file.size, app.at(-1)!.ms).toFixed(2)} MB/s`);
		bare.push(
			await throughRelay(profile, run, (relay) =>
				bareTransfer(origin, file.path, file.size, { write: true, flows: [relay] }),
			),
		);
		log(`${profile} run ${run}: bare ${mbPerSecond(file.size, bare.at(-1)!.ms).toFixed(2)} MB/s`);
	}
	const connects = await throughRelay(profile, 0, (relay) =>
		viaApp(origin, relay, (url) => connectTimes(url, plan.pairings)),
	);
	let resume: NetworkResult['resume'];
	if (plan.resumeFile) {
		const { path, size } = plan.resumeFile;
		const measured = await throughRelay(profile, 50, (relay) =>
			viaApp(origin, relay, (url) => appResume(url, path, size, 50)),
		);
		resume = { ...measured, bytes: size };
		log(
			`${profile} resume after a cut at 50%: ${(measured.resentBytes / 2 ** 20).toFixed(1)} MiB sent again`,
		);
	}
	const appMBps = median(app.map((r) => mbPerSecond(file.size, r.ms)));
	const bareMBps = median(bare.map((r) => mbPerSecond(file.size, r.ms)));
	const { rttMs, lossPct, rateMbps } = PROFILES[profile];
	return {
		profile,
		rttMs,
		lossPct,
		rateMbps,
		measuredRttMs: median([...app, ...bare].map((r) => r.rttMs)),
		appMBps,
		bareMBps,
		ratio: appMBps / bareMBps,
		bytes: file.size,
		app,
		bare,
		connectP50Ms: percentile(connects, 50),
		connects,
		kernelDrops: udpBufferDrops() - dropsBefore,
		resume,
	};
}
