// Tests and benchmarks run inside a network namespace that has only loopback, so no traffic (WebRTC
// candidates included) can reach another address. Root uses `unshare -n`; others a user namespace.
import { spawnSync } from 'node:child_process';

/**
 * Re-runs this script inside a loopback-only namespace and exits with its status. Returns only when
 * already inside one, or when no namespace can be made (then the caller runs as it is, with a warning).
 */
export function ensureLoopbackNamespace(script: string, args: string[]): void {
	if (process.env.PAIRBEAM_NETNS === '1' || process.env.PAIRBEAM_NO_NETNS === '1') return;
	const asRoot = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
	const probe = spawnSync('unshare', [...asRoot, 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
	if (probe.status !== 0) {
		console.warn('warning: cannot create a loopback-only network namespace (unshare); running without it');
		return;
	}
	const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
	const inner = `ip link set lo up && exec "${process.execPath}" ${script} ${quoted}`;
	const env = { ...process.env, PAIRBEAM_NETNS: '1' };
	process.exit(spawnSync('unshare', [...asRoot, 'sh', '-c', inner], { stdio: 'inherit', env }).status ?? 1);
}
