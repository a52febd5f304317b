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
	/** The app held to one lane (peer connection), as bare is: what striping adds on this network. */
	singleLaneAppMBps: number;
	bytes: number;
	app: Run[];
	singleLaneApp: Run[];
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
	const singleLaneApp: Run[] = [];
	const bare: Run[] = [];
	const speed = (runs: Run[]) => `${mbPerSecond(file.size, runs.at(-1)!.ms).toFixed(2)} MB/s`;
	const viaRelay = (run: number, lanes?: number) =>
		throughRelay(profile, run, (relay) => viaApp(origin, relay, (url) => appTransfer(url, file.path, lanes)));
	for (let run = 1; run <= runs; run++) {
		app.push(await viaRelay(run));
		log(`${profile} run ${run}: app ${speed(app)}`);
		singleLaneApp.push(await viaRelay(run, 1));
		log(`${profile} run ${run}: app on one lane ${speed(singleLaneApp)}`);
		bare.push(
			await throughRelay(profile, run, (relay) =>
				bareTransfer(origin, file.path, file.size, { write: true, flows: [relay] }),
			),
		);
		log(`${profile} run ${run}: bare ${speed(bare)}`);
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
	const mbps = (runs: Run[]) => median(runs.map((r) => mbPerSecond(file.size, r.ms)));
	const [appMBps, singleLaneAppMBps, bareMBps] = [mbps(app), mbps(singleLaneApp), mbps(bare)];
	const { rttMs, lossPct, rateMbps } = PROFILES[profile];
	return {
		profile,
		rttMs,
		lossPct,
		rateMbps,
		measuredRttMs: median([...app, ...singleLaneApp, ...bare].map((r) => r.rttMs)),
		appMBps,
		bareMBps,
		ratio: appMBps / bareMBps,
		singleLaneAppMBps,
		bytes: file.size,
		app,
		singleLaneApp,
		bare,
		connectP50Ms: percentile(connects, 50),
		connects,
		kernelDrops: udpBufferDrops() - dropsBefore,
		resume,
	};
}
