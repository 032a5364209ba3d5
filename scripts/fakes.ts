// Starts the fake Shopify, WooCommerce and Amazon stores on 127.0.0.1, each with a small catalogue,
// and prints how to start Darkroom against them and the demo credentials to connect them with, so
// the channel flow can be tried by hand (docs/channels.md, "Trying it with the fake stores").
// Ctrl-C stops them.
//
//   npm run fakes
import { AmazonSpApiFake } from '../plugins/channels/amazon/fake';
import { ShopifyStoreFake } from '../plugins/channels/shopify/fake';
import { WooCommerceStoreFake } from '../plugins/channels/woocommerce/fake';
import type { FakeImageKind } from '../src/plugins/testing/fake-images';

const PRODUCTS = 12;
/** Each product's photos as the fakes serve them: some pass the rule packs, some fail, one cannot be read. */
const DEMO_IMAGES: FakeImageKind[][] = [['passing', 'passing'], ['failing'], ['passing', 'failing'], ['passing'], [], ['broken']];

const catalogue = (name: string) =>
  Array.from({ length: PRODUCTS }, (_, i) => ({ title: `${name} ${i + 1}`, skus: [`${name.toUpperCase()}-${i + 1}-S`, `${name.toUpperCase()}-${i + 1}-M`], updatedAt: new Date(), images: DEMO_IMAGES[i % DEMO_IMAGES.length] }));

async function main(): Promise<void> {
  const [shopify, woocommerce, amazon] = await Promise.all([new ShopifyStoreFake().start(), new WooCommerceStoreFake().start(), new AmazonSpApiFake().start()]);
  await Promise.all([shopify.resetCatalogue(catalogue('Mug')), woocommerce.resetCatalogue(catalogue('Tee')), amazon.resetCatalogue(catalogue('Lamp'))]);
  const lwa = amazon.pluginOptions();
  const env = {
    CHANNEL_PLUGINS: 'shopify,woocommerce,amazon',
    ALLOW_PRIVATE_URLS: 'true',
    SHOPIFY_BASE_URL: shopify.baseUrl,
    AMAZON_LWA_CLIENT_ID: lwa.clientId,
    AMAZON_LWA_CLIENT_SECRET: lwa.clientSecret,
    AMAZON_SP_API_BASE_URL: amazon.baseUrl,
    AMAZON_LWA_BASE_URL: amazon.baseUrl,
  };
  // Shopify's and WooCommerce's own packs hold little a store has not already taken: these demo
  // connections name Amazon's stricter one, so the scan shows failing images to fix.
  const connections = [
    { channel: 'shopify', name: 'Demo Shopify', rulePack: 'amazon', credentials: shopify.demo().credentials },
    { channel: 'woocommerce', name: 'Demo WooCommerce', rulePack: 'amazon', credentials: woocommerce.demo().credentials },
    { channel: 'amazon', name: 'Demo Amazon', credentials: amazon.demo().credentials },
  ];
  const lines = [
    'Fake stores on 127.0.0.1, each with a catalogue of 12 products (Ctrl-C stops them):',
    `  shopify      ${shopify.baseUrl}`,
    `  woocommerce  ${woocommerce.baseUrl}`,
    `  amazon       ${amazon.baseUrl}`,
    '',
    'Start Darkroom against them, in another terminal:',
    `  ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} npm start`,
    '',
    'Connect them (an organisation whose plan has channels; an API key with channels:write), one body each',
    '(Shopify and WooCommerce held to Amazon\'s rule pack, stricter than their own, so the scan finds images to fix):',
    ...connections.map((c) => `  curl -s $BASE/api/v1/channels/connections -H "x-api-key: $KEY" -H 'content-type: application/json' -d '${JSON.stringify(c)}'`),
  ];
  console.log(lines.join('\n'));
  const stop = () => void Promise.all([shopify.close(), woocommerce.close(), amazon.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
