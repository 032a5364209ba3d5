import { KlingProvider } from './kling.provider';

/** The plugin loader takes a provider folder's plugin class from its default export. */
export default KlingProvider;
