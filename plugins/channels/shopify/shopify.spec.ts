import { describeChannelContract } from '../../../src/plugins/testing';
import { SHOPIFY_FAKE_APP, SHOPIFY_FAKE_SHOP, ShopifyStoreFake } from './fake';
import { ShopifyChannel } from './shopify.channel';

describeChannelContract('shopify', {
  plugin: ShopifyChannel,
  startStore: () => new ShopifyStoreFake().start(),
  options: (store) => ({ ...SHOPIFY_FAKE_APP, baseUrl: store.baseUrl }),
  credentials: (store) => ({ good: store.install(), bad: { shop: SHOPIFY_FAKE_SHOP, accessToken: 'shpat_revoked_0000000000' } }),
});
