// Six projects, one runner: pure logic in Node (unit), the Worker inside workerd (worker, and twice more with
// JWT checking on: worker-jwt by shared secret, worker-jwks by a JWKS URL), the README's commands themselves
// (serve: `npm start` driven by a WebSocket client and by signals, a fresh clone's `npm ci && npm test`) and
// the app in real browsers (e2e, after the others).
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { exportJWK, generateKeyPair } from 'jose';
import { defineConfig } from 'vitest/config';

const wrangler = { configPath: './wrangler.toml' };
/** TURN and STUN settings for the workerd suites: loopback only, so nothing is ever contacted. */
const iceBindings = {
	STUN_URLS: 'stun:127.0.0.1:3478',
	TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
	TURN_SECRET: 'test-turn-secret',
	TURN_TTL_SECONDS: '600',
};
export const JWKS_URL = 'https://keys.pairbeam.test/jwks.json';

const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
const publicJwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256' };
const privateJwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'ES256' };

export default defineConfig({
	test: {
		projects: [
			{
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
			},
			{
				plugins: [cloudflareTest({ wrangler, miniflare: { bindings: iceBindings } })],
				test: { name: 'worker', include: ['tests/worker/**/*.test.ts'], testTimeout: 15_000 },
			},
			{
				plugins: [
					cloudflareTest({
						wrangler,
						miniflare: {
							bindings: { ...iceBindings, JWT_SECRET: 'test-jwt-secret-of-at-least-32-bytes!' },
						},
					}),
				],
				test: { name: 'worker-jwt', include: ['tests/worker-jwt/hs256.test.ts'] },
			},
			{
				plugins: [
					cloudflareTest({
						wrangler,
						miniflare: {
							bindings: {
								...iceBindings,
								JWT_JWKS_URL: JWKS_URL,
								JWT_AUDIENCE: 'pairbeam-test',
								TEST_PRIVATE_JWK: privateJwk,
							},
							outboundService: (request: Request) =>
								request.url === JWKS_URL
									? Response.json({ keys: [publicJwk] })
									: new Response('no outbound requests in tests', { status: 599 }),
						},
					}),
				],
				test: { name: 'worker-jwks', include: ['tests/worker-jwt/jwks.test.ts'] },
			},
			{
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/e2e/global-setup.ts'],
					// One browser test at a time: two at once on 2 cores make both flaky.
					fileParallelism: false,
					sequence: { groupOrder: 1 },
					testTimeout: 180_000,
					hookTimeout: 180_000,
				},
			},
			{
				test: {
					name: 'serve',
					include: ['tests/serve/**/*.test.ts'],
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 180_000,
				},
			},
		],
	},
});
