export interface PlanFeatures {
  webhooks: boolean;
  byok: boolean;
  video: boolean;
  channels: boolean;
  library: boolean;
}

export interface Plan {
  id: string;
  name: string;
  startingCredits: number;
  /** null: no daily cap. */
  dailyImages: number | null;
  workPerMinute: number;
  readsPerMinute: number;
  maxWidth: number;
  maxHeight: number;
  /** Jobs of one organisation running at once, across every worker; more wait in the queue. */
  maxConcurrentJobs: number;
  /** The largest source image the studio takes, in bytes (default 25 MB). */
  maxSourceBytes: number;
  /** The most pixels a studio source (and output) may have, read from its header before decoding (default 50 MP). */
  maxSourcePixels: number;
  features: PlanFeatures;
}

export const DEFAULT_MAX_SOURCE_BYTES = 25 * 1024 * 1024;
export const DEFAULT_MAX_SOURCE_PIXELS = 50_000_000;
/** What a form's file or a JSON body may carry at most, whatever a plan says: sources are held in memory. */
export const MAX_SOURCE_BYTES_CEILING = 100 * 1024 * 1024;

export interface CreditPack {
  id: string;
  name: string;
  credits: number;
  /** As shown to buyers, e.g. "5.00 USD"; payment itself is outside Darkroom. */
  price: string;
}

export interface PlanCatalog {
  defaultPlan: string;
  plans: Record<string, Plan>;
  packs: Record<string, CreditPack>;
}

const FEATURES: (keyof PlanFeatures)[] = ['webhooks', 'byok', 'video', 'channels', 'library'];
const POSITIVE_INTS = ['workPerMinute', 'readsPerMinute', 'maxWidth', 'maxHeight', 'maxConcurrentJobs'] as const;

/** Validates plans.yaml, collecting every problem so an operator fixes them in one go. */
export function parsePlans(raw: unknown, problems: string[]): PlanCatalog {
  const doc = (raw ?? {}) as { defaultPlan?: unknown; plans?: Record<string, Record<string, unknown>>; packs?: Record<string, Record<string, unknown>> };
  const plans: Record<string, Plan> = {};
  const packs = parsePacks(doc.packs, problems);
  if (!doc.plans || typeof doc.plans !== 'object') {
    problems.push('plans.yaml: "plans" must map plan ids to plans');
    return { defaultPlan: 'free', plans, packs };
  }
  for (const [id, p] of Object.entries(doc.plans)) {
    const where = `plans.yaml: plans.${id}`;
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(id)) problems.push(`${where}: id must be lowercase letters, digits or dashes`);
    for (const key of POSITIVE_INTS) {
      if (!Number.isInteger(p[key]) || (p[key] as number) < 1) problems.push(`${where}.${key} must be a positive integer`);
    }
    if (!Number.isInteger(p.startingCredits) || (p.startingCredits as number) < 0) {
      problems.push(`${where}.startingCredits must be a whole number of 0 or more`);
    }
    if (p.dailyImages !== null && (!Number.isInteger(p.dailyImages) || (p.dailyImages as number) < 1)) {
      problems.push(`${where}.dailyImages must be a positive integer or null`);
    }
    const maxSourceBytes = p.maxSourceBytes ?? DEFAULT_MAX_SOURCE_BYTES;
    if (!Number.isInteger(maxSourceBytes) || (maxSourceBytes as number) < 1024 || (maxSourceBytes as number) > MAX_SOURCE_BYTES_CEILING) {
      problems.push(`${where}.maxSourceBytes must be a whole number of bytes from 1024 to ${MAX_SOURCE_BYTES_CEILING}`);
    }
    const maxSourcePixels = p.maxSourcePixels ?? DEFAULT_MAX_SOURCE_PIXELS;
    if (!Number.isInteger(maxSourcePixels) || (maxSourcePixels as number) < 10_000 || (maxSourcePixels as number) > 268_402_689) {
      problems.push(`${where}.maxSourcePixels must be a whole number from 10000 to 268402689 (sharp's own limit)`);
    }
    const features = (p.features ?? {}) as Record<string, unknown>;
    for (const f of FEATURES) {
      if (typeof features[f] !== 'boolean') problems.push(`${where}.features.${f} must be true or false`);
    }
    plans[id] = {
      id,
      name: typeof p.name === 'string' ? p.name : id,
      startingCredits: p.startingCredits as number,
      dailyImages: (p.dailyImages ?? null) as number | null,
      workPerMinute: p.workPerMinute as number,
      readsPerMinute: p.readsPerMinute as number,
      maxWidth: p.maxWidth as number,
      maxHeight: p.maxHeight as number,
      maxConcurrentJobs: p.maxConcurrentJobs as number,
      maxSourceBytes: maxSourceBytes as number,
      maxSourcePixels: maxSourcePixels as number,
      features: Object.fromEntries(FEATURES.map((f) => [f, features[f] === true])) as unknown as PlanFeatures,
    };
  }
  const defaultPlan = typeof doc.defaultPlan === 'string' ? doc.defaultPlan : 'free';
  if (!plans[defaultPlan]) problems.push(`plans.yaml: defaultPlan "${defaultPlan}" is not a defined plan`);
  return { defaultPlan, plans, packs };
}

function parsePacks(raw: Record<string, Record<string, unknown>> | undefined, problems: string[]): Record<string, CreditPack> {
  const packs: Record<string, CreditPack> = {};
  for (const [id, p] of Object.entries(raw ?? {})) {
    if (!Number.isInteger(p.credits) || (p.credits as number) < 1) problems.push(`plans.yaml: packs.${id}.credits must be a positive integer`);
    if (typeof p.price !== 'string') problems.push(`plans.yaml: packs.${id}.price must be text, e.g. "5.00 USD"`);
    packs[id] = { id, name: typeof p.name === 'string' ? p.name : id, credits: p.credits as number, price: String(p.price) };
  }
  return packs;
}
