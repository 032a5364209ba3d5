import { AmazonChannel } from './amazon.channel';

/** The plugin loader takes a plugin folder's class from its default export. */
export default AmazonChannel;
