import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { useOpenApi, type OpenApiDocument } from '../../api/openapi';
import { ErrorMessage } from '../../components/ErrorMessage';
import { pollJob, type WatchedJob } from '../../components/poll-job';
import { useOrganization } from '../../layout/current-organization';
import { fieldsOf } from './fields';
import { FieldInput } from './FieldInput';
import { testerOperations } from './operations';
import { buildRequest, EXTRA_FIELDS, toCurl, type FormState } from './request';
import { ResponseView } from './ResponseView';
import { acceptedJobId, jobReader, readResponse, sendRequest, type TesterResponse } from './send';
import './tester.css';

const EMPTY: FormState = { values: {}, files: {}, extra: '' };

/** Calls the API's work routes from forms made from the OpenAPI document, with the session or a pasted key. */
export function Tester() {
  const openapi = useOpenApi();
  return (
    <>
      <div class="page-head">
        <h1>API tester</h1>
      </div>
      <p class="lead">
        Fill an operation's fields (read from this server's OpenAPI document), send it, and see the status, the headers, the JSON and the images it made. Real calls: they use credits and count against your limits.
      </p>
      {openapi.isPending ? <p class="loading">Loading the API's operations…</p> : openapi.error ? <ErrorMessage error={openapi.error} /> : <TesterForm doc={openapi.data} />}
    </>
  );
}

function TesterForm({ doc }: { doc: OpenApiDocument }) {
  const org = useOrganization();
  const ids = { operation: useId(), contentType: useId(), apiKey: useId(), extra: useId(), curl: useId() };
  const operations = useMemo(() => testerOperations(doc), [doc]);
  const [operationId, setOperationId] = useState(operations[0]?.operationId);
  const op = operations.find((o) => o.operationId === operationId) ?? operations[0];
  const [contentType, setContentType] = useState<string | null>(op?.bodies[0]?.contentType ?? null);
  const fields = useMemo(() => (op ? fieldsOf(doc, op, contentType) : []), [doc, op, contentType]);
  const [state, setState] = useState<FormState>(EMPTY);
  const [apiKey, setApiKey] = useState('');
  const [response, setResponse] = useState<TesterResponse | null>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const [job, setJob] = useState<WatchedJob | null>(null);
  const [jobError, setJobError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [copyStatus, setCopyStatus] = useState('');
  const inflight = useRef<AbortController | null>(null);
  const curlArea = useRef<HTMLTextAreaElement>(null);
  const responseArea = useRef<HTMLElement>(null);

  useEffect(() => () => inflight.current?.abort(), []);
  // An image answer is held as an object URL until the next answer replaces it.
  useEffect(() => () => {
    if (response?.image) URL.revokeObjectURL(response.image);
  }, [response]);

  if (!op) return <p>This server's OpenAPI document has none of the operations the tester offers.</p>;

  const key = apiKey.trim();
  const { request, problems } = buildRequest(op, contentType, fields, state);
  const curl = toCurl(request, window.location.origin, key ? null : org.id);
  const missingScope = !key && op.scope && !org.can(op.scope) ? op.scope : null;
  const bodyFields = fields.filter((f) => f.in === 'body');
  const otherFields = fields.filter((f) => f.in !== 'body');

  const clearAnswer = () => {
    inflight.current?.abort();
    setResponse(null);
    setSendError(null);
    setJob(null);
    setJobError(null);
    setSending(false);
  };
  const selectOperation = (id: string) => {
    const next = operations.find((o) => o.operationId === id)!;
    setOperationId(id);
    setContentType(next.bodies[0]?.contentType ?? null);
    setState(EMPTY);
    clearAnswer();
  };
  const selectContentType = (type: string) => {
    setContentType(type);
    setState(EMPTY);
  };
  const setValue = (fieldKey: string, value: string) => setState((s) => ({ ...s, values: { ...s.values, [fieldKey]: value } }));
  const setFiles = (fieldKey: string, files: File[]) => setState((s) => ({ ...s, files: { ...s.files, [fieldKey]: files } }));

  const send = async (e: Event) => {
    e.preventDefault();
    if (Object.keys(problems).length) return;
    clearAnswer();
    const controller = new AbortController();
    inflight.current = controller;
    setSending(true);
    // Below the form on narrow screens, out of sight: bring the answer into view (beside it on wide ones, it is in view).
    const area = responseArea.current;
    if (area && area.getBoundingClientRect().top > window.innerHeight) area.scrollIntoView({ block: 'start' });
    const started = performance.now();
    let answer: TesterResponse;
    try {
      answer = await readResponse(await sendRequest(request, key, controller.signal), started);
    } catch (err) {
      if (!controller.signal.aborted) setSendError(err);
      return;
    } finally {
      if (inflight.current === controller) setSending(false);
    }
    setResponse(answer);
    const jobId = acceptedJobId(answer);
    if (!jobId) return;
    const readJob = jobReader(key);
    try {
      await pollJob((signal) => readJob(jobId, signal), setJob, controller.signal);
    } catch (err) {
      if (!controller.signal.aborted) setJobError(err);
    }
  };

  const copyCurl = async () => {
    try {
      await navigator.clipboard.writeText(curl);
      setCopyStatus('Copied: set KEY to your API key before running it.');
    } catch {
      curlArea.current?.select();
      setCopyStatus('Copying is blocked here: the command is selected, copy it with your keyboard.');
    }
  };

  const fieldMessage = (name: string) => response?.error?.fieldMessage(name);

  return (
    <div class="tester">
      <form class="tester-request" onSubmit={send} noValidate aria-label="Request">
        <div class="field">
          <label for={ids.operation}>Operation</label>
          <select id={ids.operation} value={op.operationId} onChange={(e) => selectOperation(e.currentTarget.value)} aria-describedby={`${ids.operation}-summary`}>
            {operations.map((o) => (
              <option key={o.operationId} value={o.operationId}>{o.label}</option>
            ))}
          </select>
          <small id={`${ids.operation}-summary`}>
            <code>{op.method} {op.path}</code> {op.summary}
          </small>
        </div>
        {op.bodies.length > 1 && (
          <div class="field">
            <label for={ids.contentType}>Body as</label>
            <select id={ids.contentType} value={contentType ?? ''} onChange={(e) => selectContentType(e.currentTarget.value)}>
              {op.bodies.map((b) => (
                <option key={b.contentType} value={b.contentType}>{b.contentType}</option>
              ))}
            </select>
          </div>
        )}

        <div key={`${op.operationId} ${contentType}`}>
          {otherFields.length > 0 && (
            <fieldset class="tester-group">
              <legend>Parameters and headers</legend>
              {otherFields.map((f) => (
                <FieldInput key={f.key} field={f} value={state.values[f.key] ?? ''} files={[]} onValue={(v) => setValue(f.key, v)} onFiles={() => undefined} />
              ))}
            </fieldset>
          )}
          {contentType && (
            <fieldset class="tester-group">
              <legend>Body <code>{contentType}</code></legend>
              {bodyFields.map((f) => (
                <FieldInput key={f.key} field={f} value={state.values[f.key] ?? ''} files={state.files[f.key] ?? []} onValue={(v) => setValue(f.key, v)} onFiles={(files) => setFiles(f.key, files)} message={fieldMessage(f.name)} />
              ))}
              <div class="field">
                <label for={ids.extra}>More fields (JSON object)</label>
                <textarea id={ids.extra} rows={3} spellcheck={false} placeholder='{"width": 1000}' value={state.extra}
                  onInput={(e) => setState((s) => ({ ...s, extra: e.currentTarget.value }))}
                  aria-invalid={problems[EXTRA_FIELDS] ? true : undefined} aria-describedby={`${ids.extra}-hint`} />
                <small id={`${ids.extra}-hint`} class={problems[EXTRA_FIELDS] ? 'field-error' : undefined}>
                  {problems[EXTRA_FIELDS] ?? 'Fields the document does not list here, such as a job\'s operation fields; each is sent beside the others.'}
                </small>
              </div>
            </fieldset>
          )}
        </div>

        <div class="field">
          <label for={ids.apiKey}>API key</label>
          <input id={ids.apiKey} type="password" autoComplete="off" spellcheck={false} value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} aria-describedby={`${ids.apiKey}-hint`} />
          <small id={`${ids.apiKey}-hint`}>
            Empty: sent with your session, in {org.name}. A key (or client token) is sent alone, as <code>authorization: Bearer</code>: its organisation and scopes apply. It stays in this page only.
          </small>
        </div>
        {missingScope && (
          <p class="warning">Your session lacks <code>{missingScope}</code> in {org.name}: paste an API key that has it.</p>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={sending || missingScope !== null} aria-busy={sending}>{sending ? 'Sending…' : 'Send'}</button>
          <button type="button" onClick={copyCurl}>Copy as curl</button>
        </div>
        <p role="status" class="hint">{copyStatus}</p>
        <div class="field">
          <label for={ids.curl}>curl</label>
          <textarea id={ids.curl} ref={curlArea} class="curl" readOnly rows={Math.min(12, curl.split('\n').length + 1)} spellcheck={false} value={curl} />
        </div>
      </form>

      <section ref={responseArea} class="tester-response" aria-labelledby="tester-response-title">
        <h2 id="tester-response-title">Response</h2>
        {sending ? (
          <p class="loading">Sending…</p>
        ) : sendError ? (
          <ErrorMessage error={sendError} />
        ) : response ? (
          <ResponseView response={response} job={job} jobError={jobError} />
        ) : (
          <p class="hint">Nothing sent yet.</p>
        )}
      </section>
    </div>
  );
}
