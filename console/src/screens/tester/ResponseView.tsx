import { ErrorMessage } from '../../components/ErrorMessage';
import { FileImage } from '../../components/FileImage';
import { JobStatus } from '../../components/JobStatus';
import type { WatchedJob } from '../../components/poll-job';
import { headerHighlights, imageUrlsIn, type TesterResponse } from './send';

function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre class="json" tabIndex={0} role="region" aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

function OutputImages({ value, title }: { value: unknown; title: string }) {
  const urls = imageUrlsIn(value);
  if (urls.length === 0) return null;
  return (
    <div class="tester-outputs">
      <h3>{title}</h3>
      <div class="output-grid">
        {urls.map((url, i) => (
          <figure key={url}>
            <FileImage url={url} alt={`Output ${i + 1}`} />
            <figcaption>Output {i + 1}</figcaption>
          </figure>
        ))}
      </div>
    </div>
  );
}

interface ResponseViewProps {
  response: TesterResponse;
  /** A 202's job, as last read while it is polled. */
  job: WatchedJob | null;
  jobError: unknown;
}

/** The status, the headers (rate limit and replay first), the body and any output image; then a 202's job until it ends. */
export function ResponseView({ response, job, jobError }: ResponseViewProps) {
  const ok = response.status >= 200 && response.status < 300;
  return (
    <>
      <p class="response-status">
        <strong class={ok ? 'http-ok' : 'http-error'}>{response.status}</strong> {response.statusText} · {response.ms} ms
      </p>
      {response.error && <ErrorMessage error={response.error} />}
      <dl class="highlights">
        {headerHighlights(response.headers).map((h) => (
          <div key={h.label}>
            <dt>{h.label}</dt>
            <dd>{h.value}</dd>
          </div>
        ))}
      </dl>
      <details class="response-headers">
        <summary>All response headers ({response.headers.length})</summary>
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Response headers">
          <table>
            <thead>
              <tr>
                <th scope="col">Header</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {response.headers.map(([name, value]) => (
                <tr key={name}>
                  <td><code>{name}</code></td>
                  <td><code>{value}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      {response.image && (
        <figure class="tester-outputs">
          <img src={response.image} alt="The image answered" />
        </figure>
      )}
      {response.json !== undefined && <JsonBlock value={response.json} label="Response body" />}
      {response.text !== undefined && response.text !== '' && (
        <pre class="json" tabIndex={0} role="region" aria-label="Response body">{response.text}</pre>
      )}
      <OutputImages value={response.json} title="Output images" />
      {job && (
        <section class="tester-job" aria-labelledby="tester-job-title">
          <h3 id="tester-job-title">The job</h3>
          <p class="hint">Answered 202: read again every second until it ends.</p>
          <JobStatus job={job} />
          <OutputImages value={job} title="The job's output images" />
          <JsonBlock value={job} label="The job as JSON" />
        </section>
      )}
      <ErrorMessage error={jobError} />
    </>
  );
}
