import { describe, expect, it } from 'vitest';
import { channelPluginProblems } from './channel-checks';
import { CHANNEL_SDK_VERSION, type ChannelPlugin, type ChannelPluginMetadata } from './channel-plugin';

class Credentials {}
const images = { formats: ['jpeg' as const] };
const metadata = (over: Partial<ChannelPluginMetadata> = {}): ChannelPluginMetadata => ({
  id: 'shop',
  sdkVersion: CHANNEL_SDK_VERSION,
  name: 'Shop',
  description: 'a store',
  credentials: Credentials,
  imageSlots: [
    { id: 'main', name: 'Main', firstPosition: 1, maxImages: 1, requirements: { ...images, background: { color: '#FFFFFF', tolerance: 0, allowTransparent: false } } },
    { id: 'gallery', name: 'Gallery', firstPosition: 2, maxImages: 8, requirements: images },
  ],
  rateLimits: [{ perSecond: 5, burst: 10, calls: ['publishImage'] }],
  maxPageSize: 20,
  webhookEvents: ['product.updated'],
  ...over,
});
const plugin = (over: Record<string, unknown> = {}) =>
  ({ connect: async () => ({}), listProducts: async () => ({}), publishImage: async () => ({}), removeImage: async () => undefined, parseWebhook: () => null, ...over }) as unknown as ChannelPlugin;

describe('channelPluginProblems', () => {
  it('finds nothing wrong with a plugin whose metadata and methods agree', () => {
    expect(channelPluginProblems(metadata(), plugin())).toEqual([]);
  });

  it('names a missing method, and webhook events without parseWebhook or the other way round', () => {
    expect(channelPluginProblems(metadata(), plugin({ removeImage: undefined, parseWebhook: undefined }))).toEqual([
      'channel plugin "shop" has no removeImage() method',
      'channel plugin "shop" declares webhook events but has no parseWebhook() method',
    ]);
    expect(channelPluginProblems(metadata({ webhookEvents: [] }), plugin())).toEqual(['channel plugin "shop" has parseWebhook() but declares no webhook events']);
  });

  it('names a bad id, another SDK version, a bad page size and OAuth without its exchange', () => {
    expect(channelPluginProblems(metadata({ id: 'Shop!', sdkVersion: 0, maxPageSize: 0 }), plugin({ oauth: { authorizeUrl: () => '' } }))).toEqual([
      'channel plugin "Shop!": the id must be lower-case letters, digits and dashes, at most 32',
      `channel plugin "Shop!" is built for SDK version 0; this core speaks version ${CHANNEL_SDK_VERSION}`,
      'channel plugin "Shop!": maxPageSize must be a whole number of at least 1',
      'channel plugin "Shop!": oauth needs both authorizeUrl() and exchange()',
    ]);
  });

  it('wants main first, then slots one after the other, with known formats and sane rules', () => {
    const [main, gallery] = metadata().imageSlots;
    const problems = channelPluginProblems(
      metadata({
        imageSlots: [
          { ...gallery, firstPosition: 1, maxImages: undefined },
          { ...main, id: 'main', firstPosition: 3, requirements: { formats: ['jpg' as never], background: { color: 'white', tolerance: 300, allowTransparent: false }, minProductFill: 85 } },
        ],
        rateLimits: [{ perSecond: 0, burst: 1, calls: ['sync' as never] }],
        webhookEvents: ['orders/create' as never],
      }),
      plugin(),
    );
    expect(problems).toEqual([
      'channel plugin "shop": the first image slot must be "main", one image at position 1',
      'channel plugin "shop": image slot "gallery" has no maxImages, so it must be the last slot',
      'channel plugin "shop": image slot "main" must start at position 1, right after the slot before it',
      'channel plugin "shop": image slot "main": formats must be some of jpeg, png, webp, gif, tiff, avif, heic, bmp',
      'channel plugin "shop": image slot "main": the background needs a #RRGGBB colour and a tolerance from 0 to 255',
      'channel plugin "shop": image slot "main": minProductFill is a share of the frame, above 0 and at most 1',
      'channel plugin "shop": a rate limit needs perSecond above 0 and a burst of at least 1',
      'channel plugin "shop": a rate limit names unknown call(s) sync; the SDK knows connect, listProducts, publishImage, checkPublish, removeImage, exchange',
      'channel plugin "shop": unknown webhook event(s) orders/create',
    ]);
  });
});
