import { WooCommerceChannel } from './woocommerce.channel';

/** The plugin loader takes a channel folder's class from its default export. */
export default WooCommerceChannel;
