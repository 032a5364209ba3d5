import { ShopifyChannel } from './shopify.channel';

/** The plugin loader takes a plugin folder's class from its default export. */
export default ShopifyChannel;
