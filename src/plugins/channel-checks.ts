import { CHANNEL_IMAGE_FORMATS, type ChannelImageSlot } from './channel-images';
import { CHANNEL_SDK_VERSION, type ChannelPlugin, type ChannelPluginMetadata, type ChannelRateLimit } from './channel-plugin';
import { CHANNEL_WEBHOOK_EVENT_KINDS } from './channel-webhooks';
import { PLUGIN_ID } from './provider-checks';

const CALLS = ['connect', 'listProducts', 'publishImage', 'checkPublish', 'removeImage', 'exchange'];
const COLOR = /^#[0-9a-fA-F]{6}$/;
const METHODS = ['connect', 'listProducts', 'publishImage', 'removeImage'] as const;

/**
 * Everything wrong with a channel plugin's metadata and with an instance of it, as sentences: the
 * registry refuses to start on any, and the contract suite fails on any.
 */
export function channelPluginProblems(metadata: ChannelPluginMetadata, plugin: ChannelPlugin): string[] {
  const about = `channel plugin "${metadata.id}"`;
  const problems: string[] = [];
  if (!PLUGIN_ID.test(metadata.id)) problems.push(`${about}: the id must be lower-case letters, digits and dashes, at most 32`);
  if (metadata.sdkVersion !== CHANNEL_SDK_VERSION) problems.push(`${about} is built for SDK version ${metadata.sdkVersion}; this core speaks version ${CHANNEL_SDK_VERSION}`);
  if (typeof metadata.credentials !== 'function') problems.push(`${about} declares no credentials DTO class`);
  if (!Number.isInteger(metadata.maxPageSize) || metadata.maxPageSize < 1) problems.push(`${about}: maxPageSize must be a whole number of at least 1`);
  problems.push(...slotProblems(metadata.imageSlots).map((p) => `${about}: ${p}`));
  problems.push(...metadata.rateLimits.flatMap(rateLimitProblems).map((p) => `${about}: ${p}`));
  const unknownEvents = metadata.webhookEvents.filter((e) => !CHANNEL_WEBHOOK_EVENT_KINDS.includes(e));
  if (unknownEvents.length) problems.push(`${about}: unknown webhook event(s) ${unknownEvents.join(', ')}`);
  const has = (method: string) => typeof (plugin as unknown as Record<string, unknown>)[method] === 'function';
  for (const method of METHODS) if (!has(method)) problems.push(`${about} has no ${method}() method`);
  if (metadata.webhookEvents.length && !has('parseWebhook')) problems.push(`${about} declares webhook events but has no parseWebhook() method`);
  if (!metadata.webhookEvents.length && has('parseWebhook')) problems.push(`${about} has parseWebhook() but declares no webhook events`);
  if (plugin.oauth && (typeof plugin.oauth.authorizeUrl !== 'function' || typeof plugin.oauth.exchange !== 'function')) problems.push(`${about}: oauth needs both authorizeUrl() and exchange()`);
  return problems;
}

function slotProblems(slots: ChannelImageSlot[]): string[] {
  const problems: string[] = [];
  if (slots[0]?.id !== 'main' || slots[0].firstPosition !== 1 || slots[0].maxImages !== 1) problems.push('the first image slot must be "main", one image at position 1');
  const ids = new Set<string>();
  let next = 1;
  for (const slot of slots) {
    const about = `image slot "${slot.id}"`;
    if (!PLUGIN_ID.test(slot.id)) problems.push(`${about}: the id must be lower-case letters, digits and dashes`);
    if (ids.has(slot.id)) problems.push(`${about} is declared twice`);
    ids.add(slot.id);
    if (slot.firstPosition !== next) problems.push(`${about} must start at position ${next}, right after the slot before it`);
    if (slot.maxImages !== undefined && !(Number.isInteger(slot.maxImages) && slot.maxImages >= 1)) problems.push(`${about}: maxImages must be a whole number of at least 1`);
    if (slot.maxImages === undefined && slot !== slots[slots.length - 1]) problems.push(`${about} has no maxImages, so it must be the last slot`);
    next = slot.firstPosition + (slot.maxImages ?? 0);
    const { formats, background, minProductFill } = slot.requirements;
    if (!formats.length || formats.some((f) => !CHANNEL_IMAGE_FORMATS.includes(f))) problems.push(`${about}: formats must be some of ${CHANNEL_IMAGE_FORMATS.join(', ')}`);
    if (background && (!COLOR.test(background.color) || !(background.tolerance >= 0 && background.tolerance <= 255))) problems.push(`${about}: the background needs a #RRGGBB colour and a tolerance from 0 to 255`);
    if (minProductFill !== undefined && !(minProductFill > 0 && minProductFill <= 1)) problems.push(`${about}: minProductFill is a share of the frame, above 0 and at most 1`);
  }
  return problems;
}

function rateLimitProblems(limit: ChannelRateLimit): string[] {
  const problems: string[] = [];
  if (!(limit.perSecond > 0) || !(limit.burst >= 1)) problems.push('a rate limit needs perSecond above 0 and a burst of at least 1');
  const unknown = (limit.calls ?? []).filter((c) => !CALLS.includes(c));
  if (unknown.length) problems.push(`a rate limit names unknown call(s) ${unknown.join(', ')}; the SDK knows ${CALLS.join(', ')}`);
  return problems;
}
