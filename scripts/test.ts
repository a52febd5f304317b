// `npm test`: every suite in one vitest run, inside a network namespace that has only loopback (so no test
// traffic, WebRTC included, can reach another address), then one `N passed, N failed` line for CI.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { ensureLoopbackNamespace } from '../tests/harness/loopback-netns.ts';

const args = process.argv.slice(2);
ensureLoopbackNamespace('scripts/test.ts', args);

mkdirSync('test-results', { recursive: true });
const report = 'test-results/vitest.json';
const run = spawnSync(
	'node_modules/.bin/vitest',
	['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
	{ stdio: 'inherit' },
);

let summary = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 };
try {
	summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
	summary.numFailedTests = 1;
	console.error(`no test report at ${report}`);
}
const skipped = summary.numPendingTests + summary.numTodoTests;
console.log(
	`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(run.status === 0 && summary.numFailedTests === 0 ? 0 : 1);
