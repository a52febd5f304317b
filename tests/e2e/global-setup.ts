// The e2e suites share one build of the app; each suite then starts its own server without rebuilding.
import { spawnSync } from 'node:child_process';

export default function setup(): void {
	const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build failed');
}
