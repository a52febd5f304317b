import { describe, expect, it } from 'vitest';
import { summarise, type VitestReport } from '../../scripts/test-summary';

const ESC = String.fromCharCode(27);

function report(overrides: Partial<VitestReport> = {}): VitestReport {
	return {
		numPassedTests: 0,
		numFailedTests: 0,
		numPendingTests: 0,
		numTodoTests: 0,
		testResults: [],
		...overrides,
	};
}

const passedFile = { status: 'passed', assertionResults: [{ status: 'passed' }, { status: 'passed' }] };

describe('summarise', () => {
	it('counts passed, failed and skipped tests of a run that ended normally', () => {
		const ok = summarise({ status: 0, signal: null, stderr: '', report: report({ numPassedTests: 2 }) });
		expect(ok).toEqual({ line: '2 passed, 0 failed', ok: true });
		const failing = report({
			numPassedTests: 1,
			numFailedTests: 1,
			numPendingTests: 2,
			numTodoTests: 1,
			testResults: [{ status: 'failed', assertionResults: [{ status: 'passed' }, { status: 'failed' }] }],
		});
		expect(summarise({ status: 1, signal: null, stderr: '', report: failing })).toEqual({
			line: '1 passed, 1 failed, 3 skipped',
			ok: false,
		});
	});

	it('counts a vitest that never wrote a report as one failure and says why', () => {
		const stderr = `failed to load config from /x/nope.config.ts\n\n${ESC}[31m⎯⎯⎯ Startup Error ⎯⎯⎯${ESC}[39m\nError: Build failed\n`;
		const summary = summarise({ status: 1, signal: null, stderr });
		expect(summary.ok).toBe(false);
		expect(summary.line).toBe(
			'0 passed, 1 failed (vitest wrote no report, exit code 1: failed to load config from /x/nope.config.ts Startup Error Error: Build failed)',
		);
		expect(summarise({ status: null, signal: 'SIGKILL', stderr: '' }).line).toBe(
			'0 passed, 1 failed (vitest wrote no report, killed by SIGKILL)',
		);
	});

	it('counts each test file that failed outside any test, e.g. one that could not be transformed', () => {
		const message = `Transform failed with 1 error:\n\n${ESC}[31m[TSCONFIG_ERROR] ${ESC}[0mFailed to load tsconfig '$app/tsconfig': Tsconfig not found\n`;
		const broken = { status: 'failed', message, assertionResults: [] };
		const summary = summarise({
			status: 1,
			signal: null,
			stderr: '',
			report: report({ numPassedTests: 2, testResults: [passedFile, broken, broken] }),
		});
		expect(summary).toEqual({
			line: "2 passed, 2 failed (2 test files failed outside any test: Transform failed with 1 error: [TSCONFIG_ERROR] Failed to load tsconfig '$app/tsconfig': Tsconfig not found)",
			ok: false,
		});
	});

	it('counts a non-zero exit without any failed test as a failure, with the error vitest printed', () => {
		const stderr = `stdout | noise\n${ESC}[31mNo test files found, exiting with code 1\n${ESC}[39m\nfilter: tests/unit/zzz\n`;
		const summary = summarise({ status: 1, signal: null, stderr, report: report() });
		expect(summary).toEqual({
			line: '0 passed, 1 failed (vitest ended with exit code 1 and no failed test: No test files found, exiting with code 1 filter: tests/unit/zzz)',
			ok: false,
		});
		const unhandled = summarise({
			status: 1,
			signal: null,
			stderr: '⎯⎯ Unhandled Errors ⎯⎯\nVitest caught 1 unhandled error during the test run.\n',
			report: report({ numPassedTests: 2, testResults: [passedFile] }),
		});
		expect(unhandled.ok).toBe(false);
		expect(unhandled.line).toMatch(/^2 passed, 1 failed \(vitest ended with exit code 1 .*Unhandled Errors/);
	});

	it('keeps a long reason to one readable line', () => {
		const summary = summarise({ status: 1, signal: null, stderr: `Error: ${'x'.repeat(500)}\n` });
		expect(summary.line.length).toBeLessThan(260);
		expect(summary.line).toMatch(/…\)$/);
	});
});
