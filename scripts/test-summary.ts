// The `N passed, N failed` line CI reads must never say "0 failed" for a run that failed: vitest can fail
// without a failed test (no report written, a file that cannot load, an unhandled error), so those count too.

export interface VitestReport {
	numPassedTests: number;
	numFailedTests: number;
	numPendingTests: number;
	numTodoTests: number;
	testResults: { status: string; message?: string; assertionResults: { status: string }[] }[];
}

export interface VitestRun {
	status: number | null;
	signal: string | null;
	/** What vitest wrote to stderr (its startup errors and unhandled errors go there). */
	stderr: string;
	/** Its JSON report, when it wrote one during this run. */
	report?: VitestReport;
}

export interface Summary {
	line: string;
	ok: boolean;
}

const COLOURS = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const MAX_REASON = 200;

/** `text` as one short line: no colours, no rules, whitespace collapsed. */
export function oneLine(text: string): string {
	const flat = text.replace(COLOURS, '').replace(/⎯+/g, ' ').replace(/\s+/g, ' ').trim();
	return flat.length > MAX_REASON ? `${flat.slice(0, MAX_REASON - 1)}…` : flat;
}

/** From the first line of stderr that reports an error or failure on, as one short line. */
export function errorIn(stderr: string): string {
	const lines = stderr.replace(COLOURS, '').split('\n');
	const first = lines.findIndex((line) => /error|fail|no test files/i.test(line));
	return oneLine(lines.slice(Math.max(first, 0)).join('\n'));
}

function exitOf(run: VitestRun): string {
	return run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`;
}

function withReason(head: string, reason: string): string {
	return reason ? `${head}: ${reason}` : head;
}

/** A run that failed before vitest could start, e.g. because its generated files could not be made. */
export function failedBeforeTests(reason: string): Summary {
	return { line: `0 passed, 1 failed (${reason})`, ok: false };
}

export function summarise(run: VitestRun): Summary {
	const { report } = run;
	if (!report) {
		return failedBeforeTests(withReason(`vitest wrote no report, ${exitOf(run)}`, errorIn(run.stderr)));
	}
	const reasons: string[] = [];
	let failed = report.numFailedTests;
	const brokenFiles = report.testResults.filter(
		(file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
	);
	if (brokenFiles.length > 0) {
		failed += brokenFiles.length;
		const files = brokenFiles.length === 1 ? '1 test file' : `${brokenFiles.length} test files`;
		reasons.push(withReason(`${files} failed outside any test`, oneLine(brokenFiles[0].message ?? '')));
	}
	if (failed === 0 && run.status !== 0) {
		failed = 1;
		reasons.push(withReason(`vitest ended with ${exitOf(run)} and no failed test`, errorIn(run.stderr)));
	}
	const skipped = report.numPendingTests + report.numTodoTests;
	const counts = `${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
	return {
		line: reasons.length ? `${counts} (${reasons.join('; ')})` : counts,
		ok: run.status === 0 && failed === 0,
	};
}
