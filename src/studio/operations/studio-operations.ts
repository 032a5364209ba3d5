import type { StudioPrices } from '../../config/app-config';

/** The studio's operations: the name clients send to POST /api/v1/jobs (also the job's type), and the price setting each one uses. */
export const STUDIO_OPERATIONS = {
  process: { price: 'process' },
  compliance: { price: 'complianceFix' },
  'backgrounds.remove': { price: 'backgroundsRemove' },
  'backgrounds.generate': { price: 'backgroundsGenerate' },
  'relight.shadow': { price: 'relightShadow' },
  upscale: { price: 'upscale' },
} as const satisfies Record<string, { price: keyof StudioPrices }>;

export type StudioOperation = keyof typeof STUDIO_OPERATIONS;
export const STUDIO_JOB_TYPES = Object.keys(STUDIO_OPERATIONS) as StudioOperation[];

/** What a studio job holds: its options (the request's fields but the image), its stored source, and the plan's pixel bound when it was asked. */
export interface StudioJobInput {
  options: Record<string, unknown>;
  sources: { storageKey: string; mimeType: string }[];
  pixelLimit: number;
  price: number;
}
