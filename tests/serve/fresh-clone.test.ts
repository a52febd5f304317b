// A newcomer's first minutes: the README's commands in a fresh clone of this repository's committed HEAD,
// with nothing prepared by hand. `npm ci` runs offline from the npm cache the outer install filled.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../harness/server';

let clone = '';

/** The outer run's environment without what vitest and npm set for themselves, and npm kept offline. */
function freshEnv(): NodeJS.ProcessEnv {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !/^(VITEST|npm_|NODE_ENV$|TEST$)/.test(name)),
	);
	return { ...env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
}

function run(command: string, args: string[]): { status: number | null; output: string; summary: string } {
	const result = spawnSync(command, args, { cwd: clone, env: freshEnv(), encoding: 'utf8' });
	const output = `${result.stdout}${result.stderr}`;
	const summary = /^\d+ passed, \d+ failed.*$/m.exec(result.stdout.split('\n').slice(-3).join('\n'))?.[0];
	return { status: result.status, output, summary: summary ?? '(no summary line)' };
}

beforeAll(() => {
	const root = spawnSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).stdout.trim();
	clone = mkdtempSync(join(tmpdir(), 'pairbeam-clone-'));
	const cloned = spawnSync('git', ['clone', '--quiet', root, clone], { encoding: 'utf8' });
	expect(cloned.status, cloned.stderr).toBe(0);
	const installed = run('npm', ['ci']);
	expect(installed.status, installed.output).toBe(0);
}, 300_000);

afterAll(() => {
	if (clone) rmSync(clone, { recursive: true, force: true });
});

describe('a fresh clone', () => {
	it('is ready after `npm ci` alone for tools that read tsconfig.json (its prepare script syncs SvelteKit)', () => {
		const config = run(process.execPath, ['node_modules/.bin/tsc', '--showConfig', '-p', 'tsconfig.json']);
		expect(config.status, config.output).toBe(0);
		expect(JSON.parse(config.output).compilerOptions.strict).toBe(true);
	});

	it('passes `npm test -- --project unit`, making the generated files itself, without the prepare script of npm ci', () => {
		rmSync(join(clone, '.svelte-kit'), { recursive: true, force: true });
		rmSync(join(clone, 'node_modules/$app'), { recursive: true, force: true });
		rmSync(join(clone, 'src/lib/paraglide'), { recursive: true, force: true });
		const tested = run('npm', ['test', '--', '--project', 'unit']);
		expect(tested.summary, tested.output).toMatch(/^[1-9]\d* passed, 0 failed$/);
		expect(tested.status).toBe(0);
	});

	it('reports a vitest that could not start as a named failure, not with the last run’s report', () => {
		const tested = run(process.execPath, ['scripts/test.ts', '--config', 'no-such.config.ts']);
		expect(tested.summary, tested.output).toMatch(
			/^0 passed, 1 failed \(vitest wrote no report, exit code 1: failed to load config .*no-such\.config\.ts/,
		);
		expect(tested.status).toBe(1);
	});

	it('serves the app with `npm start`', async () => {
		const server = await startServer({ cwd: clone });
		try {
			const page = await fetch(`${server.url}/`);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('Pairbeam');
			expect((await fetch(`${server.url}/api/sessions`, { method: 'POST' })).status).toBe(201);
		} finally {
			await server.stop();
		}
	});
});
