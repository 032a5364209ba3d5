import type { JobStep } from './jobs';

/** Each try of each routing target (provider/model, as routing policies name them), oldest first: who did the work, on whose key, at what cost. */
export function JobSteps({ steps }: { steps: JobStep[] }) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label="Steps table">
      <table>
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">Key</th>
            <th scope="col" class="jobs-number">Attempt</th>
            <th scope="col">Status</th>
            <th scope="col" class="jobs-number">Latency</th>
            <th scope="col" class="jobs-number">Provider cost</th>
            <th scope="col" class="jobs-number">Credits</th>
            <th scope="col">Request id</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step, i) => (
            <tr key={i}>
              <td><code>{step.provider}/{step.model}</code></td>
              <td>{step.keySource === 'byok' ? 'your key' : 'platform'}</td>
              <td class="jobs-number">{step.attempt}</td>
              <td><span class={`job-step-${step.status}`}>{step.status}</span></td>
              <td class="jobs-number">{step.latencyMs.toLocaleString()} ms</td>
              <td class="jobs-number">{step.providerCost ? `${step.providerCost.amount} ${step.providerCost.currency}` : '—'}</td>
              <td class="jobs-number">{step.credits}</td>
              <td>{step.requestId ? <code>{step.requestId}</code> : '—'}</td>
              <td>{step.error ? <>{step.error.message} <code>{step.error.code}</code></> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
