import { useId, useState } from 'preact/hooks';

/** The formats the studio reads (docs/studio.md); anything else the API would refuse as unprocessable. */
const ACCEPTED = 'image/jpeg,image/png,image/webp,image/avif,image/tiff,image/gif';

const imagesOf = (files: FileList | null | undefined): File[] => [...(files ?? [])].filter((f) => f.type.startsWith('image/'));

/** Photos dropped on the zone or picked with its file input ("Product photos"), added to the list. */
export function PhotoPicker({ onAdd, disabled }: { onAdd(files: File[]): void; disabled: boolean }) {
  const id = useId();
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = imagesOf(e.dataTransfer?.files);
    if (!disabled && files.length) onAdd(files);
  };
  return (
    <div
      class={over ? 'drop-zone over' : 'drop-zone'}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <label for={id}>Product photos</label>
      <input
        id={id}
        type="file"
        multiple
        accept={ACCEPTED}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          onAdd(imagesOf(e.currentTarget.files));
          // Picking the same photo again (after removing it) must fire another change.
          e.currentTarget.value = '';
        }}
      />
      <small id={`${id}-hint`}>Drop photos here, or pick them: JPEG, PNG, WebP, AVIF, TIFF or GIF.</small>
    </div>
  );
}
