// Draws the app icons (two devices joined by a beam) as PNGs into static/icons, so the icon can be
// changed by editing numbers here. Run it by hand: `node scripts/make-icons.ts`; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const BACKGROUND = [0x1d, 0x4e, 0xd8];
const FOREGROUND = [0xff, 0xff, 0xff];
const SAMPLES = 4;

/** Coverage tests in a unit square (0..1); `maskable` keeps the drawing inside the 80 % safe zone. */
function shapes(maskable: boolean) {
	const scale = maskable ? 0.72 : 1;
	const c = (v: number) => 0.5 + (v - 0.5) * scale;
	const dot = (cx: number, r: number) => (x: number, y: number) =>
		(x - c(cx)) ** 2 + (y - c(0.5)) ** 2 <= (r * scale) ** 2;
	const left = dot(0.27, 0.13);
	const right = dot(0.73, 0.13);
	const beam = (x: number, y: number) =>
		x >= c(0.27) && x <= c(0.73) && Math.abs(y - c(0.5)) <= 0.045 * scale;
	const plate = (x: number, y: number) => {
		if (maskable) return true;
		const r = 0.2;
		const dx = Math.max(r - x, 0, x - (1 - r));
		const dy = Math.max(r - y, 0, y - (1 - r));
		return dx * dx + dy * dy <= r * r;
	};
	return { plate, mark: (x: number, y: number) => left(x, y) || right(x, y) || beam(x, y) };
}

function icon(size: number, maskable: boolean): Buffer {
	const png = new PNG({ width: size, height: size });
	const { plate, mark } = shapes(maskable);
	for (let py = 0; py < size; py++) {
		for (let px = 0; px < size; px++) {
			let onPlate = 0;
			let onMark = 0;
			for (let sy = 0; sy < SAMPLES; sy++) {
				for (let sx = 0; sx < SAMPLES; sx++) {
					const x = (px + (sx + 0.5) / SAMPLES) / size;
					const y = (py + (sy + 0.5) / SAMPLES) / size;
					if (plate(x, y)) {
						onPlate++;
						if (mark(x, y)) onMark++;
					}
				}
			}
			const i = (py * size + px) * 4;
			const m = onPlate === 0 ? 0 : onMark / onPlate;
			for (let k = 0; k < 3; k++) png.data[i + k] = Math.round(BACKGROUND[k] * (1 - m) + FOREGROUND[k] * m);
			png.data[i + 3] = Math.round((255 * onPlate) / SAMPLES ** 2);
		}
	}
	return PNG.sync.write(png);
}

mkdirSync('static/icons', { recursive: true });
writeFileSync('static/icons/icon-192.png', icon(192, false));
writeFileSync('static/icons/icon-512.png', icon(512, false));
writeFileSync('static/icons/maskable-512.png', icon(512, true));
writeFileSync('static/icons/apple-touch-icon.png', icon(180, true));
console.log('wrote static/icons/*.png');
