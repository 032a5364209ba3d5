/**
 * What the studio measures on an image, and which comparisons each measure takes. A rule pack can
 * only name these: a rule on anything else could never be checked.
 */
export const METRICS = {
  borderWhitePurity: { expects: 'share', comparisons: ['atLeast'], description: 'Share of border pixels within tolerance of 255,255,255 (0 to 1)' },
  backgroundUniformity: { expects: 'share', comparisons: ['atLeast'], description: 'How even the background around the subject is (0 to 1)' },
  subjectFill: { expects: 'share', comparisons: ['atLeast', 'atMost', 'between'], description: "The subject box's longest side over the canvas's (0 to 1)" },
  aspectRatio: { expects: 'ratio', comparisons: ['equals', 'oneOf'], description: 'Width to height, written W:H' },
  width: { expects: 'pixels', comparisons: ['atLeast', 'atMost', 'between'], description: 'Width in pixels' },
  height: { expects: 'pixels', comparisons: ['atLeast', 'atMost', 'between'], description: 'Height in pixels' },
  longestSide: { expects: 'pixels', comparisons: ['atLeast', 'atMost', 'between'], description: 'The longer of width and height, in pixels (the unit most marketplaces state)' },
  fileSize: { expects: 'bytes', comparisons: ['atMost'], description: 'Encoded size in bytes' },
  format: { expects: 'format', comparisons: ['oneOf'], description: 'Encoded format' },
  colourSpace: { expects: 'colourSpace', comparisons: ['oneOf'], description: 'Colour space of the encoded file' },
  alpha: { expects: 'boolean', comparisons: ['equals'], description: 'Whether the file has an alpha channel' },
  addedBorder: { expects: 'boolean', comparisons: ['equals'], description: 'Whether a frame of one colour was added around the picture' },
  sharpness: { expects: 'number', comparisons: ['atLeast'], description: 'Variance of the Laplacian of the luminance (higher is sharper)' },
} as const;

export type Metric = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as Metric[];
export const COMPARISONS = ['atLeast', 'atMost', 'between', 'equals', 'oneOf'] as const;
export type Comparison = (typeof COMPARISONS)[number];
export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff', 'bmp', 'heic'] as const;
export const COLOUR_SPACES = ['srgb', 'rgb', 'cmyk'] as const;

const RATIO = /^\d+(\.\d+)?:\d+(\.\d+)?$/;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Whether one expected value fits what the metric measures. */
function fits(expects: (typeof METRICS)[Metric]['expects'], v: unknown): boolean {
  switch (expects) {
    case 'share':
      return isNumber(v) && v >= 0 && v <= 1;
    case 'pixels':
    case 'bytes':
      return Number.isInteger(v) && (v as number) > 0;
    case 'number':
      return isNumber(v) && v >= 0;
    case 'ratio':
      return typeof v === 'string' && RATIO.test(v);
    case 'format':
      return (IMAGE_FORMATS as readonly unknown[]).includes(v);
    case 'colourSpace':
      return (COLOUR_SPACES as readonly unknown[]).includes(v);
    case 'boolean':
      return typeof v === 'boolean';
  }
}

const WHAT: Record<(typeof METRICS)[Metric]['expects'], string> = {
  share: 'a number from 0 to 1',
  pixels: 'a whole number of pixels',
  bytes: 'a whole number of bytes',
  number: 'a number of 0 or more',
  ratio: 'a ratio written W:H, such as "1:1"',
  format: `one of ${IMAGE_FORMATS.join(', ')}`,
  colourSpace: `one of ${COLOUR_SPACES.join(', ')}`,
  boolean: 'true or false',
};

/** Why `expected` does not suit the rule's metric and comparison, or null when it does. */
export function expectedProblem(metric: unknown, comparison: unknown, expected: unknown): string | null {
  if (!(METRIC_NAMES as unknown[]).includes(metric)) return null; // the metric field reports itself
  const m = METRICS[metric as Metric];
  if (!(m.comparisons as readonly unknown[]).includes(comparison)) return `comparison for metric ${String(metric)} must be one of ${m.comparisons.join(', ')}, got "${String(comparison)}"`;
  const what = WHAT[m.expects];
  if (comparison === 'oneOf') {
    return Array.isArray(expected) && expected.length > 0 && expected.every((v) => fits(m.expects, v)) ? null : `expected must be a non-empty list, each item ${what}`;
  }
  if (comparison === 'between') {
    const ok = Array.isArray(expected) && expected.length === 2 && expected.every((v) => fits(m.expects, v)) && expected[0] <= expected[1];
    return ok ? null : `expected must be [min, max], each ${what}, min not above max`;
  }
  return fits(m.expects, expected) ? null : `expected must be ${what}`;
}
