import type { SlotReport } from '../studio/compliance';

/** GET /api/v1/channels items: a kind of store this installation connects to. */
export interface Channel {
  id: string;
  name: string;
  description: string;
  credentialFields: string[];
  imageSlots: { id: string; name: string; firstPosition: number; maxImages?: number }[];
  defaultRulePack: string | null;
  receivesWebhooks: boolean;
}

export type ConnectionStatus = 'active' | 'disabled' | 'needs_attention';

/** GET /api/v1/channels/connections items. */
export interface Connection {
  id: string;
  channel: string;
  name: string;
  status: ConnectionStatus;
  accountName: string;
  credentialHint: Record<string, string>;
  lastError: string | null;
  lastCheckedAt: string;
  lastSyncedAt: string | null;
  rulePack: string | null;
  webhookUrl: string;
  createdAt: string;
}

export interface ConnectionCreated extends Connection {
  webhookSecret: string;
}

export type ComplianceState = 'unchecked' | 'passing' | 'failing' | 'error';

export interface ProductImage {
  externalId: string;
  url: string;
  position: number;
  alt: string | null;
  compliance: { state: Exclude<ComplianceState, 'unchecked'>; packSlot: string; failures: { rule: string; message: string }[]; error?: string } | null;
}

/** GET /api/v1/channels/connections/:id/products items. */
export interface Product {
  id: string;
  externalId: string;
  title: string;
  variants: { externalId: string; sku: string | null; title: string }[];
  images: ProductImage[];
  complianceState: ComplianceState;
  syncedAt: string;
}

/** POST /api/v1/channels/publish with dryRun: what a publish would do. */
export interface PublishPlan {
  productTitle: string;
  slot: string;
  width: number;
  height: number;
  format: string;
  compliance: { mode: string; report: SlotReport | null; outcome: 'publish' | 'refuse' | 'fix' };
  reason?: string;
}

export type PublishStatus = 'queued' | 'sending' | 'pending' | 'published' | 'failed';

/** GET /api/v1/channels/activity items. */
export interface Activity {
  id: string;
  connectionId: string;
  productTitle: string;
  imageId: string | null;
  sourceImageExternalId: string | null;
  compliance: string;
  fixedImageId: string | null;
  slot: string;
  status: PublishStatus;
  externalImageId: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
  jobId: string;
  createdAt: string;
}

/** GET /api/v1/images items (the gallery). */
export interface GalleryImage {
  id: string;
  url: string;
  width: number;
  height: number;
  format: string;
  prompt: string;
  createdAt: string;
}

/** GET /api/v1/marketplaces items: the rule packs a connection may be held to. */
export interface RulePack {
  id: string;
  name: string;
}

export const CHANNELS_PATH = '/api/v1/channels';
export const CONNECTIONS_PATH = `${CHANNELS_PATH}/connections`;
export const connectionPath = (id: string) => `${CONNECTIONS_PATH}/${encodeURIComponent(id)}`;
export const productsPath = (connectionId: string) => `${connectionPath(connectionId)}/products`;
export const PUBLISH_PATH = `${CHANNELS_PATH}/publish`;
export const ACTIVITY_PATH = `${CHANNELS_PATH}/activity`;
export const GALLERY_PATH = '/api/v1/images';
export const MARKETPLACES_PATH = '/api/v1/marketplaces';

export const channelsQueryKey = (orgId: string) => ['channels', orgId];
export const connectionsQueryKey = (orgId: string) => ['channel-connections', orgId];
export const productsQueryKey = (orgId: string, connectionId: string) => ['channel-products', orgId, connectionId];
export const activityQueryKey = (orgId: string) => ['channel-activity', orgId];
export const galleryQueryKey = (orgId: string) => ['gallery', orgId];

export const CONNECTION_STATUS_TEXT: Record<ConnectionStatus, string> = {
  active: 'Active',
  disabled: 'Disabled',
  needs_attention: 'Needs attention',
};

export const COMPLIANCE_TEXT: Record<ComplianceState, string> = {
  unchecked: 'Unchecked',
  passing: 'Passing',
  failing: 'Failing',
  error: 'Unreadable',
};
