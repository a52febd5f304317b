// The browser suites test what users get: the build global-setup made from inside vitest (NODE_ENV=test) must be
// the production build, not Svelte's dev mode, which tags every component with its source file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function scripts(dir: string): string[] {
	return readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((name) => name.endsWith('.js'))
		.map((name) => join(dir, name));
}

describe('the build under test', () => {
	it('is the production build: no Svelte dev-mode code in the app', () => {
		expect(process.env.NODE_ENV).toBe('test');
		const files = scripts('build/_app');
		expect(files.length).toBeGreaterThan(10);
		const tagged = files.filter((file) =>
			/src\/(lib|routes)\/[\w/+-]+\.svelte/.test(readFileSync(file, 'utf8')),
		);
		expect(tagged).toEqual([]);
	});
});
