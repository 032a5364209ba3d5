import { useQuery } from '@tanstack/preact-query';
import { publicApi } from '../../api/client';

/** GET /api/v1/marketplaces: every rule pack this installation serves, with its slots. */
export interface Marketplace {
  id: string;
  name: string;
  slots: { id: string; name: string }[];
}

/** The packs are reference data, public and the same for every organisation: read once per page load. */
export function useMarketplaces() {
  return useQuery({ queryKey: ['marketplaces'], queryFn: () => publicApi<{ data: Marketplace[] }>('/api/v1/marketplaces'), staleTime: Infinity });
}

/** "Amazon: Main image" for a slot id, or the id itself when no pack names it. */
export function slotTitle(marketplaces: Marketplace[], slotId: string): string {
  for (const m of marketplaces) {
    const slot = m.slots.find((s) => s.id === slotId);
    if (slot) return `${m.name}: ${slot.name}`;
  }
  return slotId;
}
