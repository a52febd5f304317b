// `npm test`: every suite in one vitest run, inside a network namespace that has only loopback (so no test
// traffic, WebRTC included, can reach another address), then one `N passed, N failed` line for CI.
// It makes what it needs itself (Debian packages, SvelteKit's generated tsconfig), so a fresh clone works.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureLoopbackNamespace } from '../tests/harness/loopback-netns.ts';
import { errorIn, failedBeforeTests, summarise, type Summary, type VitestReport } from './test-summary.ts';

const args = process.argv.slice(2);

function finish({ line, ok }: Summary): never {
	console.log(`\n${line}`);
	process.exit(ok ? 0 : 1);
}

// Installing packages needs the network, so it happens before entering the namespace.
if (process.env.PAIRBEAM_NETNS !== '1') {
	const deps = spawnSync('bash', ['scripts/system-deps.sh'], { stdio: 'inherit' });
	if (deps.status !== 0)
		finish(failedBeforeTests('scripts/system-deps.sh could not install what the tests need'));
}
ensureLoopbackNamespace('scripts/test.ts', args);

/** Runs a step every suite needs before its files can load; if it fails, the run ends saying why. */
function prepare(what: string, command: string, commandArgs: string[]): void {
	const step = spawnSync(command, commandArgs, { stdio: ['ignore', 'inherit', 'pipe'] });
	if (step.status === 0) return;
	process.stderr.write(step.stderr ?? '');
	finish(failedBeforeTests(`${what} failed: ${step.error?.message ?? errorIn(String(step.stderr))}`));
}
// tsconfig.json extends SvelteKit's generated `$app/tsconfig`; without it no test file can even load.
prepare('svelte-kit sync', 'node_modules/.bin/svelte-kit', ['sync']);
// The compiled messages (src/lib/paraglide, generated, not in git) that the app's modules import.
prepare('compiling messages', process.execPath, ['scripts/paraglide.ts']);

mkdirSync('test-results', { recursive: true });
const reportPath = 'test-results/vitest.json';
rmSync(reportPath, { force: true });
const vitest = spawn(
	'node_modules/.bin/vitest',
	['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportPath}`, ...args],
	{ stdio: ['inherit', 'inherit', 'pipe'] },
);
vitest.on('error', (error) => finish(failedBeforeTests(`vitest could not start: ${error.message}`)));
const STDERR_KEPT = 256 * 1024;
let stderr = '';
vitest.stderr.on('data', (chunk: Buffer) => {
	process.stderr.write(chunk);
	if (stderr.length < STDERR_KEPT) stderr += chunk.toString();
});
vitest.on('close', (status, signal) => {
	let report: VitestReport | undefined;
	try {
		report = JSON.parse(readFileSync(reportPath, 'utf8'));
	} catch {
		report = undefined;
	}
	finish(summarise({ status, signal, stderr, report }));
});
