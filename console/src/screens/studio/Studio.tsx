import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { asApiError } from '../../api/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { checkPhoto } from './compliance';
import { slotTitle, useMarketplaces } from './marketplaces';
import { PhotoCard, type Photo } from './PhotoCard';
import { PhotoPicker } from './PhotoPicker';
import { SlotPicker } from './SlotPicker';
import './studio.css';

/** Refusals about the caller, not the photo (session, credits, scope, quota): the next photos would fail alike. */
const STOPS_THE_RUN = new Set([401, 402, 403, 429]);
const CHECK_ONLY = '';

let nextKey = 1;

/**
 * Product photos held against marketplaces' rules (POST /api/v1/compliance), one at a time, and
 * fixed for the slot chosen: the report rule by rule, and the fixed photo beside the original.
 */
export function Studio() {
  const org = useOrganization();
  const marketplaces = useMarketplaces();
  const fixForId = useId();
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [slots, setSlots] = useState<string[]>([]);
  /** null: the first slot picked; CHECK_ONLY: no fix. */
  const [fixChoice, setFixChoice] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const run = useRef<AbortController | null>(null);
  const previews = useRef(new Set<string>());

  useEffect(
    () => () => {
      run.current?.abort();
      for (const url of previews.current) URL.revokeObjectURL(url);
    },
    [],
  );

  const canProcess = org.can('studio:process');
  const fixFor = fixChoice === CHECK_ONLY ? null : fixChoice && slots.includes(fixChoice) ? fixChoice : (slots[0] ?? null);
  const all = marketplaces.data?.data ?? [];
  const update = (key: number, patch: Partial<Photo>) => setPhotos((list) => list.map((p) => (p.key === key ? { ...p, ...patch } : p)));

  const add = (files: File[]) => {
    const added = files.map((file) => {
      const preview = URL.createObjectURL(file);
      previews.current.add(preview);
      return { key: nextKey++, file, preview, state: 'ready' as const };
    });
    setPhotos((list) => [...list, ...added]);
  };
  const remove = (photo: Photo) => {
    URL.revokeObjectURL(photo.preview);
    previews.current.delete(photo.preview);
    setPhotos((list) => list.filter((p) => p.key !== photo.key));
  };

  const check = async () => {
    const controller = new AbortController();
    run.current = controller;
    const asked = fixFor ? [fixFor, ...slots.filter((s) => s !== fixFor)] : slots;
    const queue = photos;
    setPhotos((list) => list.map((p) => ({ ...p, state: 'ready', outcome: undefined, error: undefined, job: undefined, slots: undefined })));
    setRunning(true);
    try {
      for (const photo of queue) {
        update(photo.key, { state: 'checking' });
        try {
          const outcome = await checkPhoto(
            photo.file,
            asked,
            fixFor !== null,
            { onJob: (job) => update(photo.key, { state: 'fixing', job }), onWait: (seconds) => update(photo.key, { state: 'waiting', waitSeconds: seconds }) },
            controller.signal,
          );
          update(photo.key, { state: 'done', outcome, slots: asked });
        } catch (err) {
          if (controller.signal.aborted) {
            update(photo.key, { state: 'ready' });
            return;
          }
          update(photo.key, { state: 'failed', error: err });
          if (STOPS_THE_RUN.has(asApiError(err).status)) break;
        }
      }
    } finally {
      if (run.current === controller) {
        run.current = null;
        setRunning(false);
      }
    }
  };

  const ended = photos.filter((p) => p.state === 'done' || p.state === 'failed').length;
  const blocker = !canProcess
    ? 'You need the studio:process scope in this organisation to check photos.'
    : photos.length === 0
      ? 'Add product photos to check.'
      : slots.length === 0
        ? 'Pick at least one marketplace.'
        : null;

  return (
    <>
      <div class="page-head">
        <h1>Studio</h1>
      </div>
      <p class="lead">
        Hold product photos against marketplaces' image rules, and have them fixed: background removed, reframed and encoded as the marketplace asks. A check is free; a fix is charged per photo.
      </p>

      <section class="studio-setup" aria-label="Photos and marketplaces">
        <PhotoPicker onAdd={add} disabled={running} />
        {marketplaces.isPending ? (
          <p class="loading">Loading marketplaces…</p>
        ) : marketplaces.error ? (
          <ErrorMessage error={marketplaces.error} />
        ) : (
          <SlotPicker marketplaces={all} selected={slots} onChange={setSlots} disabled={running} />
        )}
        <div class="field fix-for">
          <label for={fixForId}>Fix for</label>
          <select id={fixForId} value={fixFor ?? CHECK_ONLY} disabled={running} onChange={(e) => setFixChoice(e.currentTarget.value)} aria-describedby={`${fixForId}-hint`}>
            {slots.map((s) => (
              <option key={s} value={s}>{slotTitle(all, s)}</option>
            ))}
            <option value={CHECK_ONLY}>Nothing: check only</option>
          </select>
          <small id={`${fixForId}-hint`}>The fixed photo passes this slot's fixable rules; its reports for the other slots show how it fares there.</small>
        </div>
        <div class="actions">
          {canProcess && (
            <button type="button" class="primary" onClick={check} disabled={running || blocker !== null} aria-busy={running}>
              {running ? 'Checking…' : photos.length > 1 ? `Check ${photos.length} photos` : 'Check photo'}
            </button>
          )}
          {running && <button type="button" onClick={() => run.current?.abort()}>Stop</button>}
        </div>
        {blocker && <p class="hint">{blocker}</p>}
      </section>

      {photos.length > 0 && (
        <section class="studio-results" aria-label="Photos">
          {(running || ended > 0) && (
            <div class="run-progress">
              <progress value={ended} max={photos.length} aria-label="Photos checked" />
              <p role="status">{ended} of {photos.length} {photos.length === 1 ? 'photo' : 'photos'} checked</p>
            </div>
          )}
          {photos.map((photo) => (
            <PhotoCard key={photo.key} photo={photo} marketplaces={all} onRemove={running ? undefined : () => remove(photo)} />
          ))}
        </section>
      )}
    </>
  );
}
