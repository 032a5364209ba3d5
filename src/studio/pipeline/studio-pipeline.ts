import type { RawImage } from '../measure/raw-image';

/** The formats the studio writes. */
export const OUTPUT_FORMATS = ['jpeg', 'png', 'webp', 'avif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** An image a studio operation made, encoded. */
export interface EncodedImage {
  data: Buffer;
  format: OutputFormat;
  width: number;
  height: number;
}

/** A step an operation ran and how long it took, as the answer lists them. */
export interface StepTiming {
  name: string;
  ms: number;
}

/** Times the steps of one operation, in the order they ran. */
export class StepClock {
  readonly steps: StepTiming[] = [];

  async time<T>(name: string, run: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.steps.push({ name, ms: Math.round((performance.now() - started) * 10) / 10 });
    }
  }
}

/** How the subject is told from its background: a studio backdrop's colour, a segmentation model, or whichever suits the image. */
export const REMOVAL_MODES = ['auto', 'backdrop', 'model'] as const;
export type RemovalMode = (typeof REMOVAL_MODES)[number];

/** The subject's alpha over a decoded image: one byte per pixel, 255 subject, 0 background, feathered between. */
export interface SubjectMask {
  alpha: Buffer;
  width: number;
  height: number;
  /** The mode that made it (auto resolves to one of the two). */
  mode: 'backdrop' | 'model';
}

/**
 * Cuts the subject out of a decoded, upright, sRGB image (3 channels). The pipelines take it as a
 * parameter so they can be tested with the backdrop cut alone; backgroundRemover (background-removal.ts) makes it in the app.
 */
export type RemoveBackground = (image: RawImage, mode: RemovalMode, signal?: AbortSignal) => Promise<SubjectMask>;

/**
 * The input cannot be made into what was asked (no subject found, a file size the encoder cannot
 * reach): the job fails as unprocessable_image with this message, and is not tried again.
 */
export class StudioInputError extends Error {}
