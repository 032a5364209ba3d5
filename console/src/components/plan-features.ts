import { useMe } from '../api/me';

/** GET /api/v1/me also answers the plan's `features`, which the console's Me type leaves out. */
interface WithPlanFeatures {
  features?: Record<string, boolean>;
}

/**
 * Whether the selected organisation's plan has a feature (byok, channels, webhooks, ...), to offer
 * only what the API would allow; false until /me has answered. The API checks it anyway.
 */
export function usePlanFeature(feature: string): boolean {
  const me = useMe();
  return (me.data as WithPlanFeatures | undefined)?.features?.[feature] === true;
}
