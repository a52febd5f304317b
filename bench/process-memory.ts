// Browser memory as the OS sees it: the proportional set size (PSS) of a Chromium instance, summed over
// its main process (found by its --user-data-dir) and every process below it. PSS, not RSS: summed RSS
// counts the shared libraries once per process (1.1 GiB for an idle browser here), PSS splits them.
import { readdirSync, readFileSync } from 'node:fs';
import { descendantsOf } from '../tests/harness/server.ts';

function cmdline(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
	} catch {
		return '';
	}
}

/** The proportional set size of one process, 0 once it is gone. */
export function pssBytes(pid: number): number {
	try {
		const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/** The processes of the Chromium that runs the profile `profile`: its main process first, then every one below. */
export function browserProcesses(profile: string): number[] {
	const pids = readdirSync('/proc')
		.filter((n) => /^\d+$/.test(n))
		.map(Number);
	const main = pids.find((pid) => {
		const args = cmdline(pid);
		return args.includes(`--user-data-dir=${profile}`) && !args.includes('--type=');
	});
	return main === undefined ? [] : [main, ...descendantsOf(main)];
}

/** What a Chromium process is, from its command line: browser, renderer, gpu-process, or a utility's sub-type. */
export function processKind(pid: number): string {
	const args = cmdline(pid);
	const type = /--type=(\S+)/.exec(args)?.[1];
	if (!type) return 'browser';
	const utility = /--utility-sub-type=(\S+)/.exec(args)?.[1];
	return utility
		? utility
				.replace(/\.mojom\./, '.')
				.split('.')
				.at(-1)!
		: type;
}

/** Proportional resident bytes of the Chromium that runs the profile `profile`, all its processes. */
export async function browserMemory(profile: string): Promise<number> {
	return browserProcesses(profile).reduce((sum, pid) => sum + pssBytes(pid), 0);
}
