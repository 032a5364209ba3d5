import type { ChannelImage } from '../plugins/channel-catalogue';
import type { ComplianceState, ImageCompliance } from './channel-product.entity';

const sameImage = (entry: ImageCompliance, image: ChannelImage) => entry.imageExternalId === image.externalId && entry.url === image.url;

/** The entries still describing one of `images`: an image the store replaced (a new id or URL) loses its entry and is checked again. */
export function keptEntries(images: ChannelImage[], entries: ImageCompliance[]): ImageCompliance[] {
  return entries.filter((entry) => images.some((image) => sameImage(entry, image)));
}

/** The images no entry describes yet: what the scan checks. */
export function uncheckedImages(images: ChannelImage[], entries: ImageCompliance[]): ChannelImage[] {
  return images.filter((image) => !entries.some((entry) => sameImage(entry, image)));
}

/**
 * A product's state from its images' entries: unchecked while an image has none; failing when one
 * fails, else error when one could not be read, else passing. A product without images has nothing
 * the scan can read: `unchecked` until the scan holds it against a rule pack (`checked`), which finds it failing.
 */
export function complianceStateOf(images: ChannelImage[], entries: ImageCompliance[], checked = false): ComplianceState {
  if (!images.length) return checked ? 'failing' : 'unchecked';
  const kept = keptEntries(images, entries);
  if (uncheckedImages(images, kept).length) return 'unchecked';
  if (kept.some((e) => e.state === 'failing')) return 'failing';
  if (kept.some((e) => e.state === 'error')) return 'error';
  return 'passing';
}

/** An image's entry as the API shows it (the image it describes left out), or null while it is unchecked. */
export function complianceOf(image: ChannelImage, entries: ImageCompliance[]): Omit<ImageCompliance, 'imageExternalId' | 'url'> | null {
  const entry = entries.find((e) => sameImage(e, image));
  if (!entry) return null;
  const { state, packSlot, failures, error, checkedAt } = entry;
  return { state, packSlot, failures, ...(error === undefined ? {} : { error }), checkedAt };
}
