// Where the CPU goes during a transfer, for both browsers: every thread's CPU time from /proc (browser,
// renderer, GPU and utility processes, so native WebRTC, SCTP and disk work count too, not only JavaScript),
// and a V8 sampling profile of each page for the JavaScript functions that cost most.
import { readFileSync, readdirSync } from 'node:fs';
import type { Peer } from '../tests/harness/browser.ts';
import { browserProcesses, processKind } from './process-memory.ts';
import { appTransfer, bareTransfer, type Run } from './throughput.ts';

/** Linux reports thread times in clock ticks of 1/100 s (CLK_TCK on every architecture Chromium ships for). */
const TICKS_PER_SECOND = 100;
/** V8 samples every 500 µs: enough samples for functions over 1% of a 30-second transfer, little overhead. */
const SAMPLING_INTERVAL_US = 500;

/** CPU seconds so far of every thread of the browser running `profile`, keyed "process kind / thread name". */
function threadSeconds(profile: string): Map<string, number> {
	const seconds = new Map<string, number>();
	for (const pid of browserProcesses(profile)) {
		const kind = processKind(pid);
		let tasks: string[];
		try {
			tasks = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		for (const tid of tasks) {
			try {
				const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
				// The name is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
				const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
				const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
				const ticks = Number(fields[11]) + Number(fields[12]);
				const key = `${kind} / ${name.replace(/\d+$/, '#')}`;
				seconds.set(key, (seconds.get(key) ?? 0) + ticks / TICKS_PER_SECOND);
			} catch {
				// The thread ended between listing and reading: its time is gone with it, as at the end.
			}
		}
	}
	return seconds;
}

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time of each JavaScript function (and V8's own entries: GC, idle, program) in a V8 CPU profile. */
function selfTimes(profile: {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}): Map<string, number> {
	const names = new Map<number, string>();
	for (const { id, callFrame } of profile.nodes) {
		const file = callFrame.url.split('/').at(-1) ?? '';
		names.set(
			id,
			file
				? `${callFrame.functionName || '(anonymous)'} ${file}:${callFrame.lineNumber + 1}`
				: callFrame.functionName,
		);
	}
	const ms = new Map<string, number>();
	profile.samples.forEach((id, i) => {
		const name = names.get(id) ?? '?';
		ms.set(name, (ms.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	});
	return ms;
}

export interface SideProfile {
	/** CPU seconds per thread group during the transfer, largest first. */
	threads: [string, number][];
	/** Milliseconds of self time per JavaScript function on the page's main thread, largest first. */
	js: [string, number][];
}

export interface CpuProfile {
	receiver: SideProfile;
	sender: SideProfile;
}

function diff(after: Map<string, number>, before: Map<string, number>): [string, number][] {
	return [...after]
		.map(([key, s]): [string, number] => [key, s - (before.get(key) ?? 0)])
		.filter(([, s]) => s > 0)
		.sort((a, b) => b[1] - a[1]);
}

/** Starts profiling both browsers; `stop` returns what each spent while it ran. */
export async function startCpuProfile(rx: Peer, tx: Peer): Promise<{ stop(): Promise<CpuProfile> }> {
	const sides = [rx, tx];
	for (const peer of sides) {
		await peer.cdp.send('Profiler.enable');
		await peer.cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
		await peer.cdp.send('Profiler.start');
	}
	const before = sides.map((peer) => threadSeconds(peer.profile));
	return {
		async stop() {
			const after = sides.map((peer) => threadSeconds(peer.profile));
			const [receiver, sender] = await Promise.all(
				sides.map(async (peer, i): Promise<SideProfile> => {
					const { profile } = await peer.cdp.send('Profiler.stop');
					const js = [...selfTimes(profile as never)].sort((a, b) => b[1] - a[1]);
					return { threads: diff(after[i], before[i]), js };
				}),
			);
			return { receiver, sender };
		},
	};
}

/** Prints one side's profile: the thread groups and JavaScript functions that cost most, per GiB moved. */
function report(label: string, side: SideProfile, bytes: number, log: (text: string) => void): void {
	const perGib = 2 ** 30 / bytes;
	const total = side.threads.reduce((sum, [, s]) => sum + s, 0);
	log(`${label}: ${(total * perGib).toFixed(1)} CPU s per GiB in all threads`);
	for (const [name, s] of side.threads.slice(0, 8))
		log(`  ${(s * perGib).toFixed(2).padStart(7)} s  ${name}`);
	const js = side.js.filter(([name]) => name !== '(idle)');
	log(`${label}, main-thread JavaScript (V8 samples), self time per GiB:`);
	for (const [name, ms] of js.slice(0, 10))
		log(`  ${((ms * perGib) / 1000).toFixed(2).padStart(7)} s  ${name}`);
}

/**
 * `npm run bench -- --only=profile`: one transfer each of the app on four lanes, the app on one lane and a bare
 * channel writing to OPFS, with both browsers profiled; prints where each spent its CPU.
 */
export async function profileTransfers(
	origin: string,
	path: string,
	bytes: number,
	log: (text: string) => void,
): Promise<void> {
	const runs: [string, () => Promise<Run>][] = [
		['app, 4 lanes', () => appTransfer(origin, path, undefined, true)],
		['app, 1 lane', () => appTransfer(origin, path, 1, true)],
		['bare + OPFS', () => bareTransfer(origin, path, bytes, { write: true, profileCpu: true })],
	];
	for (const [label, run] of runs) {
		const result = await run();
		log(`${label}: ${(bytes / 1e6 / (result.ms / 1000)).toFixed(1)} MB/s`);
		report(`${label}, receiver`, result.cpu!.receiver, bytes, log);
		report(`${label}, sender`, result.cpu!.sender, bytes, log);
	}
}
