import { FileImage, sameOriginUrl } from '../../components/FileImage';
import type { JobOutput } from './jobs';

const UNITS = ['B', 'KB', 'MB', 'GB'];

function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

/** What the output is: its size, format or length, and where it came from. */
function describe(output: JobOutput): string {
  const kind = output.mimeType ? `${output.mimeType}, ${output.durationSeconds ?? 0} s` : output.format;
  return [`${output.width}×${output.height}`, kind, formatBytes(output.bytes), output.source === 'library' && 'from the library', output.test && 'test'].filter(Boolean).join(', ');
}

/** The files a completed job made, as thumbnails that open the full file (signed links: no credentials needed). */
export function JobOutputs({ outputs }: { outputs: JobOutput[] }) {
  return (
    <ul class="job-outputs">
      {outputs.map((output, i) => {
        const label = `Output ${i + 1}: ${describe(output)}`;
        return (
          <li key={output.id}>
            <figure>
              {output.mimeType?.startsWith('video/') ? (
                <video src={sameOriginUrl(output.url)} controls preload="metadata" aria-label={label} />
              ) : (
                <a href={sameOriginUrl(output.url)} target="_blank" rel="noopener">
                  <FileImage url={output.url} alt={label} width={output.width} height={output.height} />
                </a>
              )}
              <figcaption>{describe(output)}</figcaption>
            </figure>
          </li>
        );
      })}
    </ul>
  );
}
