/**
 * Turns a prompt into colours: named colours first, then moods and scenes, then (if the prompt names
 * none) hues drawn from the prompt's own hash, so every prompt still gets a palette of its own.
 */
const COLOURS: Record<string, string> = {
  red: '#d7263d', crimson: '#b0122f', scarlet: '#e0301e', orange: '#f46036', amber: '#ffb000', yellow: '#f6d743',
  gold: '#d4a017', golden: '#d4a017', lime: '#9bd93c', green: '#2e933c', emerald: '#1f9d6b', olive: '#6b8e23',
  teal: '#1b998b', cyan: '#2ec4d6', turquoise: '#30c5b5', aqua: '#5ee0e6', blue: '#1e5bd7', navy: '#14213d',
  azure: '#3a8dde', indigo: '#3d348b', violet: '#7b2cbf', purple: '#6a2c91', lavender: '#b8a1e3', magenta: '#d1228e',
  pink: '#f08cae', rose: '#e8738a', peach: '#ffb38a', coral: '#ff6f59', brown: '#7a4b2a', beige: '#e6d3b3',
  cream: '#f5ecd7', white: '#f7f7f2', black: '#111111', grey: '#8a8d91', gray: '#8a8d91', silver: '#c0c5ce',
};

const MOODS: Record<string, string[]> = {
  calm: ['#a8d5e2', '#6fb1c9', '#e3f2f0', '#8fbfa3'],
  serene: ['#cfe8ef', '#a3c9e2', '#f0f4ef', '#b5d6b2'],
  happy: ['#ffd166', '#f4a259', '#ef476f', '#ffe8a3'],
  joyful: ['#ffbe0b', '#fb5607', '#ff006e', '#ffe066'],
  warm: ['#f4a259', '#e76f51', '#f6bd60', '#f7ede2'],
  cold: ['#caf0f8', '#90e0ef', '#0077b6', '#e0fbfc'],
  dark: ['#0b0c10', '#1f2833', '#3a3f58', '#5c2a4e'],
  moody: ['#2b2d42', '#4a4e69', '#6d597a', '#1d1e2c'],
  mysterious: ['#1b1b3a', '#693668', '#2d1e2f', '#513b56'],
  dreamy: ['#e0bbe4', '#957dad', '#fec8d8', '#ffdfd3'],
  energetic: ['#ff0054', '#ff5400', '#ffbd00', '#9e0059'],
  neon: ['#39ff14', '#ff073a', '#0ff0fc', '#bc13fe'],
  sunset: ['#ff7b54', '#ffb26b', '#ffd56b', '#6a4c93'],
  sunrise: ['#ffcdb2', '#ffb4a2', '#e5989b', '#ffe5b4'],
  ocean: ['#03045e', '#0077b6', '#00b4d8', '#90e0ef'],
  sea: ['#023e8a', '#0096c7', '#48cae4', '#ade8f4'],
  forest: ['#1b4332', '#2d6a4f', '#52b788', '#b7e4c7'],
  fire: ['#6a040f', '#d00000', '#e85d04', '#faa307'],
  ice: ['#e0fbfc', '#c2dfe3', '#9db4c0', '#5c6b73'],
  desert: ['#e9c46a', '#f4a261', '#e76f51', '#f1dca7'],
  night: ['#0d1b2a', '#1b263b', '#415a77', '#778da9'],
  autumn: ['#9c2c13', '#d35400', '#e0a458', '#6b3e26'],
  spring: ['#b7e4c7', '#ffc8dd', '#fff3b0', '#a2d2ff'],
  luxury: ['#111111', '#d4a017', '#f5ecd7', '#3a2e1f'],
  pastel: ['#ffd6e0', '#c1f0e8', '#fff1c1', '#d7c9f5'],
};

export interface Palette {
  /** Colours as #rrggbb, most important first. */
  colours: string[];
  /** Which words chose them, for the image's metadata. */
  matched: string[];
}

const words = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];

function hslToHex(h: number, s: number, l: number): string {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

export function paletteFor(prompt: string, negativePrompt: string | undefined, random: () => number): Palette {
  const banned = new Set(words(negativePrompt ?? ''));
  const groups: string[][] = [];
  const matched: string[] = [];
  for (const w of words(prompt)) {
    const found = banned.has(w) ? undefined : COLOURS[w] ? [COLOURS[w]] : MOODS[w];
    if (!found) continue;
    groups.push(found);
    matched.push(w);
  }
  // Round-robin across the words, so a later word ("golden") is not crowded out by an earlier mood.
  const colours: string[] = [];
  for (let i = 0; groups.some((g) => i < g.length); i++) for (const g of groups) if (i < g.length) colours.push(g[i]);
  const unique = [...new Set(colours)];
  if (unique.length >= 3) return { colours: unique.slice(0, 8), matched };
  // Too few named colours: add harmonious hues around the prompt's own (or the named colour's).
  const base = random() * 360;
  for (const offset of [0, 35, 180, 215, 300]) {
    if (unique.length >= 5) break;
    unique.push(hslToHex((base + offset) % 360, 0.55 + random() * 0.3, 0.45 + random() * 0.2));
  }
  return { colours: unique, matched };
}
