import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { getMetadataStorage, validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { AppError } from '../common/errors/app-error';
import { credentialHint } from '../common/crypto/credential-hint';
import { SecretBox } from '../common/crypto/secret-box';
import { OrgDirectory } from '../tenancy/org-directory';
import { principalId, type RequestAuth } from '../tenancy/principal';
import type { RegisteredChannel } from '../plugins/plugin-registry';
import { PluginRegistry } from '../plugins/plugin-registry';
import { ChannelCalls } from './channel-calls';
import { ChannelConnectionRecord, type ConnectionStatus } from './channel-connection.entity';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import type { ChannelDto, ConnectionCreateDto, ConnectionCreatedDto, ConnectionDto, ConnectionUpdateDto, ProductPageDto, ProductQueryDto, ConnectionWebhookSecretDto } from './channels.dto';
import { ChannelRulePacks } from './channel-rule-packs';
import { ChannelProductsRepository } from './channel-products.repository';
import { complianceOf } from './product-compliance';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';

/** The fields a credentials DTO class declares, in declaration order. */
function credentialFields(dto: new () => object): string[] {
  return [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))];
}

const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/**
 * Connections to stores: created only once the store accepts the credentials, which are then kept
 * sealed and never answered; tested again on demand (a store that refuses them marks the connection
 * needs_attention with the store's words), disabled, enabled and deleted. A plan feature (`channels`).
 */
@Injectable()
export class ChannelConnectionsService {
  constructor(
    private readonly registry: PluginRegistry,
    private readonly calls: ChannelCalls,
    private readonly repo: ChannelConnectionsRepository,
    private readonly catalogue: ChannelProductsRepository,
    private readonly orgs: OrgDirectory,
    private readonly rulePacks: ChannelRulePacks,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  channels(): ChannelDto[] {
    return this.registry.listChannels().map(({ metadata }) => ({
      id: metadata.id,
      name: metadata.name,
      description: metadata.description,
      credentialFields: credentialFields(metadata.credentials),
      imageSlots: metadata.imageSlots.map((slot) => ({ id: slot.id, name: slot.name, firstPosition: slot.firstPosition, ...(slot.maxImages !== undefined ? { maxImages: slot.maxImages } : {}) })),
      defaultRulePack: this.rulePacks.forConnection(metadata, undefined),
      receivesWebhooks: metadata.webhookEvents.length > 0,
    }));
  }

  /** Connects a store; the answer alone carries the connection's webhook secret. */
  async create(auth: RequestAuth, orgId: string, dto: ConnectionCreateDto): Promise<ConnectionCreatedDto> {
    await this.assertPlanHasChannels(orgId);
    const channel = this.calls.plugin(dto.channel);
    const rulePack = this.rulePacks.forConnection(channel.metadata, dto.rulePack);
    const credentials = await this.checkedCredentials(channel, dto.credentials);
    const webhookSecret = newWebhookSecret();
    const record = Object.assign(new ChannelConnectionRecord(), {
      orgId, channel: dto.channel, name: dto.name, rulePack, sealedWebhookSecret: this.box.seal(webhookSecret), createdBy: principalId(auth.principal),
    });
    const target = { id: record.id, orgId, credentials };
    const account = await this.calls.runWith(channel, target, (c, connection, ctx) => c.plugin.connect(connection, ctx), false);
    Object.assign(record, {
      sealedCredentials: this.box.seal(JSON.stringify(target.credentials)),
      credentialHint: credentialHint(target.credentials as Record<string, unknown>),
      accountId: account.accountId.slice(0, 255),
      accountName: account.accountName.slice(0, 255),
    });
    await this.repo.insert(record);
    return { ...this.describe(record), webhookSecret };
  }

  /**
   * Renames a connection or changes its rule pack; a new pack (or none) forgets every image's
   * compliance, for the scan after the next sync to check them all against it.
   */
  async update(orgId: string, id: string, dto: ConnectionUpdateDto): Promise<ConnectionDto> {
    const record = await this.record(orgId, id);
    const fields: Partial<ChannelConnectionRecord> = {};
    if (typeof dto.name === 'string') fields.name = dto.name;
    if (dto.rulePack !== undefined) {
      const rulePack = this.rulePacks.forConnection(this.calls.plugin(record.channel).metadata, dto.rulePack);
      if (rulePack !== record.rulePack) {
        fields.rulePack = rulePack;
        await this.catalogue.forgetCompliance(orgId, id);
      }
    }
    return this.describe(Object.keys(fields).length ? await this.save(record, fields) : record);
  }

  /** A new webhook secret, answered this once: deliveries signed with the old one are refused from now on. */
  async rotateWebhookSecret(orgId: string, id: string): Promise<ConnectionWebhookSecretDto> {
    const record = await this.record(orgId, id);
    const webhookSecret = newWebhookSecret();
    await this.save(record, { sealedWebhookSecret: this.box.seal(webhookSecret) });
    return { webhookUrl: this.webhookUrl(record.id), webhookSecret };
  }

  /** Where the store sends this connection's webhooks. */
  webhookUrl(connectionId: string): string {
    return new URL(`/api/v1/channels/webhooks/${connectionId}`, this.config.publicUrl).toString();
  }

  async list(orgId: string): Promise<ConnectionDto[]> {
    return (await this.repo.listInOrg(orgId)).map((record) => this.describe(record));
  }

  async get(orgId: string, id: string): Promise<ConnectionDto> {
    return this.describe(await this.record(orgId, id));
  }

  /**
   * Checks the credentials at the store again: active when it accepts them, needs_attention (with the
   * store's message) when it refuses them. A store that cannot be reached changes nothing: 502.
   */
  async test(orgId: string, id: string): Promise<ConnectionDto> {
    const record = await this.record(orgId, id);
    if (record.status === 'disabled') throw new AppError('conflict', 'The connection is disabled: enable it first');
    try {
      const account = await this.calls.run(record, 'connect', (c, connection, ctx) => c.plugin.connect(connection, ctx));
      return this.describe(await this.save(record, { status: 'active', lastError: null, accountName: account.accountName.slice(0, 255), lastCheckedAt: new Date() }));
    } catch (err) {
      // A refusal has marked the connection (ChannelCalls.run): it is answered as it now stands.
      if (!(err instanceof AppError) || err.code !== 'channel_credentials_invalid') throw err;
      return this.describe(await this.record(orgId, id));
    }
  }

  async setEnabled(orgId: string, id: string, enabled: boolean): Promise<ConnectionDto> {
    const record = await this.record(orgId, id);
    if (enabled === (record.status !== 'disabled')) return this.describe(record);
    // Enabling resumes where the last check left it: a refused connection still needs attention.
    const status: ConnectionStatus = enabled ? (record.lastError ? 'needs_attention' : 'active') : 'disabled';
    return this.describe(await this.save(record, { status }));
  }

  async delete(orgId: string, id: string): Promise<void> {
    if (!(await this.repo.delete(orgId, id))) throw AppError.notFound('Connection');
    this.calls.forget(id);
  }

  /** A page of the connection's synced catalogue, each image with its check (null until the scan checked it). */
  async products(orgId: string, id: string, query: ProductQueryDto): Promise<ProductPageDto> {
    await this.record(orgId, id);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.catalogue.page(orgId, id, { search: query.search?.trim() || undefined, compliance: query.compliance, after: decodeCursor(query.cursor), limit: limit + 1 });
    return toPage(rows, limit, (row) => ({
      id: row.id, externalId: row.externalId, title: row.title, variants: row.variants,
      images: row.images.map((image) => ({ ...image, compliance: complianceOf(image, row.compliance) })),
      complianceState: row.complianceState,
      storeUpdatedAt: row.storeUpdatedAt.toISOString(), syncedAt: row.syncedAt.toISOString(),
    }));
  }

  private async record(orgId: string, id: string): Promise<ChannelConnectionRecord> {
    const record = await this.repo.getInOrg(orgId, id);
    if (!record) throw AppError.notFound('Connection');
    return record;
  }

  private async save(record: ChannelConnectionRecord, fields: Partial<ChannelConnectionRecord>): Promise<ChannelConnectionRecord> {
    if (!(await this.repo.update(record.orgId, record.id, fields))) throw AppError.notFound('Connection');
    return Object.assign(record, fields);
  }

  /** The credentials as the channel's DTO checks them: unknown fields refused, every problem named. */
  private async checkedCredentials(channel: RegisteredChannel, credentials: Record<string, unknown>): Promise<object> {
    const known = new Set(credentialFields(channel.metadata.credentials));
    const problems = Object.keys(credentials).filter((k) => !known.has(k)).map((k) => ({ field: `credentials.${k}`, messages: [`${channel.metadata.id} takes no credential "${k}"; it takes ${[...known].join(', ')}`] }));
    const instance = plainToInstance(channel.metadata.credentials, credentials);
    for (const error of await validate(instance, { forbidUnknownValues: false })) {
      problems.push({ field: `credentials.${error.property}`, messages: Object.values(error.constraints ?? {}) });
    }
    if (problems.length) throw new AppError('validation_failed', problems.flatMap((p) => p.messages.map((m) => `${p.field}: ${m}`)).join('; '), { fields: problems });
    return { ...credentials };
  }

  private async assertPlanHasChannels(orgId: string): Promise<void> {
    const plan = await this.orgs.planOf(orgId);
    if (!plan.features.channels) throw new AppError('plan_limit', `The ${plan.name} plan does not include channels`, { feature: 'channels' });
  }

  private describe(record: ChannelConnectionRecord): ConnectionDto {
    return {
      id: record.id,
      channel: record.channel,
      name: record.name,
      status: record.status,
      accountName: record.accountName,
      accountId: record.accountId,
      credentialHint: record.credentialHint,
      lastError: record.lastError,
      lastCheckedAt: record.lastCheckedAt.toISOString(),
      lastSyncedAt: record.lastSyncedAt?.toISOString() ?? null,
      rulePack: record.rulePack,
      webhookUrl: this.webhookUrl(record.id),
      createdAt: record.createdAt.toISOString(),
    };
  }
}
