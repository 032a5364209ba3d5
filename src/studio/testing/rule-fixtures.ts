import sharp, { type Sharp } from 'sharp';
import type { MarketplaceRuleDto } from '../marketplaces/marketplace-pack.dto';
import { RATIO_TOLERANCE } from '../compliance/evaluate-slot';

/**
 * The formats sharp's prebuilt binaries can write. BMP (no ImageMagick in them) and HEIC (their libheif
 * has no HEVC encoder) cannot be written, so no fixture is in either.
 */
export const WRITABLE_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff'] as const;
export type WritableFormat = (typeof WRITABLE_FORMATS)[number];

/** The colour spaces a fixture can be encoded in, as measureImage names them. */
const MAKEABLE_SPACES = ['srgb', 'rgb', 'cmyk', 'grey'] as const;
type MakeableSpace = (typeof MAKEABLE_SPACES)[number];

/** Whether the image should pass or fail the rule it is made for. */
export type Outcome = 'pass' | 'fail';

/**
 * How to draw one fixture: a product (an ellipse) centred on a backdrop, then framed, blurred and
 * encoded as asked. Recipes are plain data, so a test can render and measure each distinct one once.
 */
export interface RuleImageRecipe {
  width: number;
  height: number;
  /** The product's longest side over the canvas's. */
  fill: number;
  /** Flat white, flat light grey, or colour noise in every channel. */
  backdrop: 'white' | 'grey' | 'noise';
  /** The product in one flat colour, or in one-pixel stripes (the sharpest detail there is). */
  texture: 'flat' | 'stripes';
  blurred: boolean;
  /** A grey frame added round the picture. */
  frame: boolean;
  alpha: boolean;
  colourSpace: MakeableSpace;
  format: WritableFormat;
  /** Instead of the product: noise stored in a PNG whose size lies just under or just over `bound` bytes. */
  bytes?: { bound: number; side: 'under' | 'over' };
}

/** A rule no real image can be made to pass (or fail): the reason says why. */
export class NoFixture extends Error {}

const BASE: RuleImageRecipe = {
  width: 400,
  height: 400,
  fill: 0.6,
  backdrop: 'white',
  texture: 'flat',
  blurred: false,
  frame: false,
  alpha: false,
  colourSpace: 'srgb',
  format: 'jpeg',
};

/** The largest side a fixture gets: JPEG's limit (the other side stays small, so it decodes fast). */
const MAX_SIDE = 65_500;
/** The most a 3x3 Laplacian can vary on 8-bit pixels: (4 x 255)^2. */
const MAX_SHARPNESS = 1_040_400;

type Bounds = [number, number];

/** The range a rule accepts, as [low, high]. */
function accepted(rule: MarketplaceRuleDto): Bounds {
  const { comparison, expected } = rule;
  if (comparison === 'between') return expected as Bounds;
  if (comparison === 'atLeast') return [expected as number, Infinity];
  if (comparison === 'atMost') return [-Infinity, expected as number];
  throw new NoFixture(`comparison ${comparison} does not take a number`);
}

interface Scale {
  /** How far from the bound a value is placed. */
  step: number;
  min: number;
  max: number;
  /** Pass exactly on the bound (pixels, which are exact) rather than `step` inside it (measured shares). */
  onBound: boolean;
}

/** A value the rule accepts ('pass') or refuses ('fail'), within what an image can measure. */
function valueFor(rule: MarketplaceRuleDto, outcome: Outcome, scale: Scale): number {
  const [low, high] = accepted(rule);
  if (outcome === 'fail') {
    const outside = [low - scale.step, high + scale.step].filter((v) => Number.isFinite(v) && v >= scale.min && v <= scale.max);
    if (outside.length === 0) throw new NoFixture(`every image measures ${rule.metric} within [${low}, ${high}]`);
    return outside[0];
  }
  const from = Math.max(low, scale.min);
  const to = Math.min(high, scale.max);
  if (from > to) throw new NoFixture(`no image measures ${rule.metric} within [${low}, ${high}]`);
  if (scale.onBound) return Number.isFinite(low) ? from : to;
  if (Number.isFinite(low) && Number.isFinite(high)) return (from + to) / 2;
  return Number.isFinite(low) ? Math.min(to, from + scale.step) : Math.max(from, to - scale.step);
}

const pixels = (rule: MarketplaceRuleDto, outcome: Outcome) => valueFor(rule, outcome, { step: 1, min: 1, max: MAX_SIDE, onBound: true });

/** Whether the rule takes `value` (for the rules that compare names or true/false). */
function listed(rule: MarketplaceRuleDto, value: string | boolean): boolean {
  const options = rule.comparison === 'oneOf' ? (rule.expected as unknown[]) : [rule.expected];
  return options.includes(value);
}

/** The first candidate the rule takes ('pass') or refuses ('fail'). */
function pick<T extends string | boolean>(rule: MarketplaceRuleDto, outcome: Outcome, candidates: readonly T[], why: string): T {
  const found = candidates.find((candidate) => listed(rule, candidate) === (outcome === 'pass'));
  if (found === undefined) throw new NoFixture(`${why}: ${outcome === 'pass' ? 'none of' : 'all of'} ${candidates.join(', ')} ${outcome === 'pass' ? 'is' : 'are'} in [${String(rule.expected)}]`);
  return found;
}

const ratioOf = (written: string) => {
  const [w, h] = written.split(':').map(Number);
  return w / h;
};

/** Ratios tried for a failing canvas, in order: the first far (10 tolerances) from every ratio the rule takes. */
const OTHER_RATIOS = [1, 4 / 3, 3 / 4, 2, 1 / 2, 3, 1 / 3];

function canvasOf(ratio: number): Pick<RuleImageRecipe, 'width' | 'height'> {
  const long = 600;
  return ratio >= 1 ? { width: long, height: Math.max(1, Math.round(long / ratio)) } : { width: Math.max(1, Math.round(long * ratio)), height: long };
}

type Maker = (rule: MarketplaceRuleDto, outcome: Outcome) => Partial<RuleImageRecipe>;

/** For each metric, the changes to the base image that make it pass or fail a rule on that metric. */
const MAKERS: Record<MarketplaceRuleDto['metric'], Maker> = {
  borderWhitePurity: (rule, outcome) => {
    if (outcome === 'fail' && (rule.expected as number) <= 0) throw new NoFixture('every image has a border white purity of 0 or more');
    return { backdrop: outcome === 'pass' ? 'white' : 'grey' };
  },
  backgroundUniformity: (rule, outcome) => {
    if (outcome === 'fail' && (rule.expected as number) <= 0) throw new NoFixture('every image has a background uniformity of 0 or more');
    return { backdrop: outcome === 'pass' ? 'white' : 'noise' };
  },
  subjectFill: (rule, outcome) => ({ fill: valueFor(rule, outcome, { step: 0.1, min: 0.1, max: 0.95, onBound: false }) }),
  aspectRatio: (rule, outcome) => {
    const options = (rule.comparison === 'oneOf' ? (rule.expected as string[]) : [rule.expected as string]).map(ratioOf);
    if (outcome === 'pass') return canvasOf(options[0]);
    const far = OTHER_RATIOS.find((ratio) => options.every((option) => Math.abs(ratio - option) > option * RATIO_TOLERANCE * 10));
    if (far === undefined) throw new NoFixture(`the rule takes every ratio tried (${OTHER_RATIOS.map((r) => r.toFixed(2)).join(', ')})`);
    return canvasOf(far);
  },
  width: (rule, outcome) => ({ width: pixels(rule, outcome) }),
  height: (rule, outcome) => ({ height: pixels(rule, outcome) }),
  longestSide: (rule, outcome) => {
    const side = pixels(rule, outcome);
    return { width: side, height: Math.min(side, BASE.height) };
  },
  fileSize: (rule, outcome) => ({ bytes: { bound: rule.expected as number, side: outcome === 'pass' ? 'under' : 'over' } }),
  format: (rule, outcome) => ({ format: pick(rule, outcome, WRITABLE_FORMATS, 'sharp writes only these formats') }),
  colourSpace: (rule, outcome) => {
    const colourSpace = pick(rule, outcome, MAKEABLE_SPACES, 'the fixtures encode only these colour spaces');
    // CMYK and greyscale are written as JPEG; 16-bit RGB (read as `rgb`) as PNG.
    return { colourSpace, format: colourSpace === 'rgb' ? 'png' : 'jpeg' };
  },
  alpha: (rule, outcome) => ({ alpha: pick(rule, outcome, [true, false], 'a file has an alpha channel or not'), format: 'png' }),
  addedBorder: (rule, outcome) => ({ frame: pick(rule, outcome, [true, false], 'a picture is framed or not') }),
  sharpness: (rule, outcome) => {
    const expected = rule.expected as number;
    if (outcome === 'fail' && expected <= 0) throw new NoFixture('every image has a sharpness of 0 or more');
    if (outcome === 'pass' && expected > MAX_SHARPNESS) throw new NoFixture(`no 8-bit image has a sharpness above ${MAX_SHARPNESS}`);
    // PNG keeps the one-pixel stripes that JPEG would soften.
    return outcome === 'pass' ? { texture: 'stripes', format: 'png' } : { blurred: true };
  },
};

/**
 * The recipe of an image that passes ('pass') or fails ('fail') one rule; the image meets no other
 * rule on purpose. Throws NoFixture when no real image can, and an Error when the rule's metric has no
 * maker yet.
 */
export function recipeFor(rule: MarketplaceRuleDto, outcome: Outcome): RuleImageRecipe {
  const maker = MAKERS[rule.metric] as Maker | undefined;
  if (!maker) throw new Error(`no fixture maker for metric "${rule.metric}": add one to MAKERS in src/studio/testing/rule-fixtures.ts`);
  return { ...BASE, ...maker(rule, outcome) };
}

/** xorshift32 noise, seeded, so a fixture is the same on every run. */
function noise(length: number, seed = 0x9e3779b9): Buffer {
  const words = new Uint32Array(Math.ceil(length / 4));
  let state = seed;
  for (let i = 0; i < words.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    words[i] = state >>> 0;
  }
  return Buffer.from(words.buffer, 0, length);
}

const NOISE_WIDTH = 2048;

async function noisePng(rows: number): Promise<Buffer> {
  return sharp(noise(NOISE_WIDTH * rows * 3), { raw: { width: NOISE_WIDTH, height: rows, channels: 3 } })
    .png({ compressionLevel: 0, adaptiveFiltering: false })
    .toBuffer();
}

/**
 * A PNG of noise (which no encoder can shrink) within two rows of `bound` bytes, on the side asked:
 * the rows are estimated from the raw size, then corrected from what the encoder wrote.
 */
async function sizedPng({ bound, side }: NonNullable<RuleImageRecipe['bytes']>): Promise<Buffer> {
  const rowBytes = NOISE_WIDTH * 3 + 1;
  let rows = Math.max(1, Math.floor(bound / rowBytes) + (side === 'over' ? 1 : -1));
  for (let attempt = 0; attempt < 4; attempt++) {
    const png = await noisePng(rows);
    const onSide = side === 'over' ? png.length > bound : png.length <= bound;
    if (onSide && Math.abs(png.length - bound) <= 2 * rowBytes) return png;
    rows = Math.max(1, rows + Math.round((bound - png.length) / rowBytes) + (side === 'over' ? 1 : -1));
  }
  throw new Error(`could not make a PNG ${side} ${bound} bytes`);
}

function productSvg({ width, height, fill, texture }: RuleImageRecipe): Buffer {
  const long = (Math.max(width, height) * fill) / 2;
  const [rx, ry] = width >= height ? [long, long * 0.6] : [long * 0.6, long];
  const stripes =
    '<defs><pattern id="s" width="2" height="1" patternUnits="userSpaceOnUse"><rect width="1" height="1" fill="#102040"/><rect x="1" width="1" height="1" fill="#f0c040"/></pattern></defs>';
  const paint = texture === 'stripes' ? 'url(#s)' : '#2a6f8a';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${texture === 'stripes' ? stripes : ''}<ellipse cx="${width / 2}" cy="${height / 2}" rx="${rx}" ry="${ry}" fill="${paint}" shape-rendering="crispEdges"/></svg>`,
  );
}

function backdrop({ width, height, backdrop: kind }: RuleImageRecipe): Sharp {
  if (kind === 'noise') return sharp(noise(width * height * 3), { raw: { width, height, channels: 3 } });
  return sharp({ create: { width, height, channels: 3, background: kind === 'white' ? '#ffffff' : '#e2e2e2' } });
}

/** Draws and encodes a recipe. */
export async function renderRecipe(recipe: RuleImageRecipe): Promise<Buffer> {
  if (recipe.bytes) return sizedPng(recipe.bytes);
  // The composite takes the SVG's alpha channel; the picture itself is opaque until `alpha` asks for one.
  let image = sharp(await backdrop(recipe).composite([{ input: productSvg(recipe) }]).removeAlpha().png({ compressionLevel: 1 }).toBuffer());
  if (recipe.blurred) image = image.blur(8);
  if (recipe.frame) {
    const band = Math.max(2, Math.round(Math.min(recipe.width, recipe.height) * 0.03));
    image = image.extend({ top: band, bottom: band, left: band, right: band, background: '#808080' });
  }
  if (recipe.alpha) image = image.ensureAlpha(1);
  if (recipe.colourSpace === 'cmyk') image = image.toColourspace('cmyk');
  if (recipe.colourSpace === 'grey') image = image.toColourspace('b-w');
  if (recipe.colourSpace === 'rgb') image = image.toColourspace('rgb16');
  return recipe.format === 'avif' ? image.avif({ effort: 0 }).toBuffer() : image.toFormat(recipe.format).toBuffer();
}

/** A real encoded image that passes ('pass') or fails ('fail') the rule. */
export async function imageFor(rule: MarketplaceRuleDto, outcome: Outcome): Promise<Buffer> {
  return renderRecipe(recipeFor(rule, outcome));
}
