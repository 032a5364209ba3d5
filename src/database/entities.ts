import { AuditEvent } from '../audit/audit-event.entity';
import { ApiKey } from '../auth/api-keys/api-key.entity';
import { ClientTokenKey } from '../auth/client-tokens/client-token-key.entity';
import { ClientTokenUsage } from '../auth/client-tokens/client-token-usage.entity';
import { RefreshToken } from '../auth/sessions/refresh-token.entity';
import { EmailToken } from '../auth/users/email-token.entity';
import { User } from '../tenancy/user.entity';
import { CreditBalance } from '../credits/credit-balance.entity';
import { CreditLedgerEntry } from '../credits/credit-ledger-entry.entity';
import { OutboxMail } from '../mail/outbox-mail.entity';
import { Invitation } from '../orgs/invitation.entity';
import { Membership } from '../tenancy/membership.entity';
import { Organization } from '../tenancy/organization.entity';
import { TeamMember } from '../orgs/team-member.entity';
import { Team } from '../tenancy/team.entity';
import { UsageCounter } from '../throttling/usage-counter.entity';
import { Image } from '../images/image.entity';
import { Job } from '../jobs/job.entity';
import { IdempotencyKey } from '../jobs/idempotency-key.entity';
import { OrgWebhookSecret } from '../webhooks/org-webhook-secret.entity';
import { WebhookAttempt, WebhookDelivery } from '../webhooks/webhook-delivery.entity';
import { WebhookEndpoint } from '../webhooks/webhook-endpoint.entity';
import { PluginRecord } from '../plugins/plugin-record.entity';
import { StudioResult } from '../studio/operations/studio-result.entity';
import { ChannelConnectionRecord } from '../channels/channel-connection.entity';
import { ChannelProductRecord } from '../channels/channel-product.entity';
import { ChannelPublishRecord } from '../channels/channel-publish.entity';
import { ProviderCredentialRecord } from '../providers/provider-credential.entity';
import { Video } from '../videos/video.entity';
import { LibraryAsset } from '../library/library-asset.entity';
import { RoutingPolicy } from '../providers/routing-policy.entity';
import { JobStep } from '../jobs/job-step.entity';

/** Listed, not globbed: the same list works from src/ under tests and from dist/ in production. */
export const ENTITIES = [
  User, EmailToken, RefreshToken, Organization, Membership, Invitation, Team, TeamMember,
  ApiKey, ClientTokenKey, ClientTokenUsage, AuditEvent, CreditLedgerEntry, CreditBalance, UsageCounter, OutboxMail, Job, Image, IdempotencyKey,
  WebhookEndpoint, OrgWebhookSecret, WebhookDelivery, WebhookAttempt, PluginRecord, StudioResult, ChannelConnectionRecord, ChannelProductRecord, ChannelPublishRecord,
  ProviderCredentialRecord, Video, LibraryAsset, RoutingPolicy, JobStep,
];
