import { usePagedList } from '../../api/pages';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FileImage } from '../../components/FileImage';
import { LoadMore } from '../../components/LoadMore';
import { useOrganization } from '../../layout/current-organization';
import { GALLERY_PATH, galleryQueryKey, type GalleryImage } from './integrations-api';

const PAGE_SIZE = 12;

const describe = (image: GalleryImage) => `${image.prompt || 'Untitled'} (${image.width}×${image.height} ${image.format})`;

/** Picks an image of the organisation's gallery (GET /api/v1/images, images:read), newest first, one radio each. */
export function GalleryPicker({ selected, onSelect }: { selected: string | null; onSelect(id: string): void }) {
  const org = useOrganization();
  const gallery = usePagedList<GalleryImage>(galleryQueryKey(org.id), GALLERY_PATH, { limit: PAGE_SIZE });
  return (
    <fieldset class="gallery-picker">
      <legend>Image</legend>
      {gallery.isPending ? (
        <p class="loading">Loading your images…</p>
      ) : gallery.isError && !gallery.data ? (
        <ErrorMessage error={gallery.error} />
      ) : gallery.items.length === 0 ? (
        <p class="hint">Your gallery is empty: generate or process an image first.</p>
      ) : (
        <div class="gallery-grid">
          {gallery.items.map((image) => (
            <label key={image.id} class={image.id === selected ? 'gallery-choice selected' : 'gallery-choice'}>
              <input type="radio" name="gallery-image" value={image.id} checked={image.id === selected} onChange={() => onSelect(image.id)} />
              <FileImage url={image.url} alt="" width={96} height={96} />
              <span class="gallery-caption">{describe(image)}</span>
            </label>
          ))}
        </div>
      )}
      <LoadMore hasMore={gallery.hasMore} loading={gallery.isFetchingNextPage} error={gallery.data ? gallery.error : null} onLoadMore={gallery.loadMore} />
    </fieldset>
  );
}
