/**
 * The procedural "aura": an SVG of a gradient sky, soft colour fields and a few shapes, all placed by
 * a seeded random sequence. librsvg (inside sharp) rasterises it; styles then treat the pixels.
 */
export interface SceneOptions {
  width: number;
  height: number;
  colours: string[];
  random: () => number;
  /** Solid lit spheres instead of flat shapes (the 3d-render style). */
  solids: boolean;
}

const pick = <T>(items: T[], random: () => number): T => items[Math.floor(random() * items.length)];
const n = (v: number) => v.toFixed(1);

export function sceneSvg({ width: w, height: h, colours, random, solids }: SceneOptions): string {
  const size = Math.min(w, h);
  const defs: string[] = [];
  const body: string[] = [];

  const angle = random() * 360;
  const [c0, c1, c2] = [pick(colours, random), pick(colours, random), pick(colours, random)];
  defs.push(
    `<linearGradient id="sky" gradientTransform="rotate(${n(angle)} 0.5 0.5)"><stop offset="0" stop-color="${c0}"/><stop offset="0.55" stop-color="${c1}"/><stop offset="1" stop-color="${c2}"/></linearGradient>`,
    `<filter id="soft" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${n(size * 0.06)}"/></filter>`,
  );
  body.push(`<rect width="${w}" height="${h}" fill="url(#sky)"/>`);

  const fields = 5 + Math.floor(random() * 5);
  for (let i = 0; i < fields; i++) {
    const colour = colours[i % colours.length];
    defs.push(`<radialGradient id="f${i}"><stop offset="0" stop-color="${colour}" stop-opacity="0.95"/><stop offset="1" stop-color="${colour}" stop-opacity="0"/></radialGradient>`);
    const rx = size * (0.2 + random() * 0.45);
    const ry = rx * (0.6 + random() * 0.8);
    body.push(`<ellipse cx="${n(random() * w)}" cy="${n(random() * h)}" rx="${n(rx)}" ry="${n(ry)}" fill="url(#f${i})" filter="url(#soft)" transform="rotate(${n(random() * 180)} ${n(w / 2)} ${n(h / 2)})"/>`);
  }

  if (solids) {
    const count = 2 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) {
      const colour = pick(colours, random);
      const r = size * (0.08 + random() * 0.16);
      const cx = r + random() * (w - 2 * r);
      const cy = r + random() * (h - 2 * r);
      defs.push(`<radialGradient id="s${i}" cx="0.35" cy="0.3" r="0.75"><stop offset="0" stop-color="#ffffff"/><stop offset="0.25" stop-color="${colour}"/><stop offset="1" stop-color="#000000" stop-opacity="0.9"/></radialGradient>`);
      body.push(`<ellipse cx="${n(cx + r * 0.3)}" cy="${n(cy + r * 1.05)}" rx="${n(r * 0.9)}" ry="${n(r * 0.22)}" fill="#000" opacity="0.35" filter="url(#soft)"/>`);
      body.push(`<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="url(#s${i})"/>`);
    }
  } else {
    const waves = 2 + Math.floor(random() * 3);
    for (let i = 0; i < waves; i++) {
      const y = random() * h;
      const amp = h * (0.05 + random() * 0.15);
      const d = `M 0 ${n(y)} C ${n(w * 0.3)} ${n(y - amp)}, ${n(w * 0.6)} ${n(y + amp)}, ${n(w)} ${n(y - amp / 2)}`;
      body.push(`<path d="${d}" fill="none" stroke="${pick(colours, random)}" stroke-width="${n(size * (0.01 + random() * 0.04))}" stroke-linecap="round" opacity="${n(0.35 + random() * 0.4)}"/>`);
    }
    const rings = Math.floor(random() * 3);
    for (let i = 0; i < rings; i++) {
      body.push(`<circle cx="${n(random() * w)}" cy="${n(random() * h)}" r="${n(size * (0.05 + random() * 0.2))}" fill="none" stroke="${pick(colours, random)}" stroke-width="${n(size * 0.008)}" opacity="0.6"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><defs>${defs.join('')}</defs>${body.join('')}</svg>`;
}
