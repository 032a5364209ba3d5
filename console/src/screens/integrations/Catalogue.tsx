import { useId, useState } from 'preact/hooks';
import { usePagedList } from '../../api/pages';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadMore } from '../../components/LoadMore';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { COMPLIANCE_TEXT, productsPath, productsQueryKey, type Channel, type ComplianceState, type Connection, type Product, type ProductImage } from './integrations-api';
import { PublishDialog } from './PublishDialog';

const PAGE_SIZE = 20;

export function ComplianceBadge({ state }: { state: ComplianceState }) {
  return <span class={`compliance compliance-${state}`}>{COMPLIANCE_TEXT[state] ?? state}</span>;
}

function ImageCheck({ image }: { image: ProductImage }) {
  const c = image.compliance;
  return (
    <li>
      <span class="image-position">Image {image.position}</span> <ComplianceBadge state={c?.state ?? 'unchecked'} />{' '}
      <a href={image.url} target="_blank" rel="noopener noreferrer">
        Open<span class="visually-hidden"> image {image.position} at the store</span>
      </a>
      {c && <span class="hint"> against {c.packSlot}</span>}
      {c?.error && <p class="hint">{c.error}</p>}
      {c && c.failures.length > 0 && (
        <ul class="failures">
          {c.failures.map((f) => (
            <li key={f.rule}>
              <code>{f.rule}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function ProductItem({ product, onPublish }: { product: Product; onPublish?: () => void }) {
  const skus = product.variants.map((v) => v.sku).filter(Boolean);
  return (
    <li class="product">
      <div class="product-head">
        <strong>{product.title}</strong>
        <ComplianceBadge state={product.complianceState} />
        {onPublish && (
          <button type="button" aria-label={`Publish image to ${product.title}`} onClick={onPublish}>Publish image</button>
        )}
      </div>
      <p class="hint">
        {skus.length ? <>SKU {skus.join(', ')} · </> : null}synced {formatDate(product.syncedAt)}
      </p>
      {product.images.length === 0 ? (
        <p class="hint">No image: add one at the store.</p>
      ) : (
        <ul class="product-images">
          {product.images.map((image) => (
            <ImageCheck key={image.externalId} image={image} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * A connection's synced catalogue, newest first, with each product's and image's check against the
 * connection's rule pack; searchable by title or SKU, and "Failing only" lists the products to fix.
 */
export function Catalogue({ connections, channels }: { connections: Connection[]; channels: Channel[] }) {
  const org = useOrganization();
  const connectionSelectId = useId();
  const searchId = useId();
  const [chosen, setChosen] = useState(connections[0].id);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [failingOnly, setFailingOnly] = useState(false);
  const [publishing, setPublishing] = useState<Product | null>(null);
  const connection = connections.find((c) => c.id === chosen) ?? connections[0];
  const products = usePagedList<Product>(productsQueryKey(org.id, connection.id), productsPath(connection.id), {
    limit: PAGE_SIZE,
    search,
    compliance: failingOnly ? 'failing' : undefined,
  });
  const channel = channels.find((c) => c.id === connection.channel);
  const canPublish = org.can('channels:publish') && connection.status === 'active' && channel !== undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    setSearch(searchText.trim());
  };

  return (
    <section class="section" aria-labelledby="catalogue-title">
      <h2 id="catalogue-title">Catalogue</h2>
      <form class="catalogue-filters" onSubmit={submit}>
        <div class="field">
          <label for={connectionSelectId}>Connection</label>
          <select id={connectionSelectId} value={connection.id} onChange={(e) => setChosen(e.currentTarget.value)}>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>{c.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={searchId}>Search products</label>
          <div class="inline-controls">
            <input id={searchId} type="search" placeholder="Title or SKU" value={searchText} onInput={(e) => setSearchText(e.currentTarget.value)} />
            <button type="submit">Search</button>
          </div>
        </div>
        <label class="checkbox-label">
          <input type="checkbox" checked={failingOnly} onChange={(e) => setFailingOnly(e.currentTarget.checked)} />
          Failing only
        </label>
      </form>
      {connection.rulePack === null && <p class="hint">This connection has no rule pack: its images are not checked.</p>}
      {products.isPending ? (
        <p class="loading">Loading products…</p>
      ) : products.isError && !products.data ? (
        <ErrorMessage error={products.error} />
      ) : products.items.length === 0 ? (
        <p class="hint">{search || failingOnly ? 'No product matches.' : 'No products synced yet: sync the connection.'}</p>
      ) : (
        <ul class="product-list" aria-label={`${connection.name} products`}>
          {products.items.map((p) => (
            <ProductItem key={p.id} product={p} onPublish={canPublish ? () => setPublishing(p) : undefined} />
          ))}
        </ul>
      )}
      <LoadMore hasMore={products.hasMore} loading={products.isFetchingNextPage} error={products.data ? products.error : null} onLoadMore={products.loadMore} />
      {publishing && channel && <PublishDialog connection={connection} channel={channel} product={publishing} onClose={() => setPublishing(null)} />}
    </section>
  );
}
