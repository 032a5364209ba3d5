import type { RuleResult, SlotReport } from './compliance';
import { expectedText, formatValue, verdictOf } from './report-text';

/** Pass or fail in words (not colour alone), with the value measured; a failed warning does not fail the slot. */
function Verdict({ rule }: { rule: RuleResult | undefined }) {
  if (!rule) return <span class="muted">—</span>;
  const verdict = verdictOf(rule);
  return (
    <>
      <span class={`verdict verdict-${verdict.toLowerCase()}`}>{verdict}</span> <span class="measured">{formatValue(rule.measured)}</span>
    </>
  );
}

const slotVerdict = (report: SlotReport) => (report.pass ? 'passes' : 'fails');

interface SlotReportTableProps {
  title: string;
  report: SlotReport;
  /** The fixed photo's report for the same slot, shown beside the original's. */
  fixed?: SlotReport;
}

/** One slot's report, rule by rule: what is required, what the original measured and, after a fix, the fixed photo. */
export function SlotReportTable({ title, report, fixed }: SlotReportTableProps) {
  const fixedRule = (id: string) => fixed?.rules.find((r) => r.id === id);
  return (
    <div class="table-scroll slot-report" tabIndex={0} role="region" aria-label={`${title} rules`}>
      <table>
        <caption>
          {title} <code>{report.slot}</code>: the original <strong class={`slot-${slotVerdict(report)}`}>{slotVerdict(report)}</strong>
          {fixed && (
            <>
              , the fixed photo <strong class={`slot-${slotVerdict(fixed)}`}>{slotVerdict(fixed)}</strong>
            </>
          )}
        </caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Required</th>
            <th scope="col">Original</th>
            {fixed && <th scope="col">Fixed</th>}
          </tr>
        </thead>
        <tbody>
          {report.rules.map((rule) => (
            <tr key={rule.id}>
              <th scope="row" class="rule">
                {rule.description}
                <span class="rule-meta">
                  <code>{rule.id}</code> {rule.severity}
                  {rule.source && (
                    <>
                      {' · '}
                      <a href={rule.source} target="_blank" rel="noreferrer">source</a>
                    </>
                  )}
                </span>
              </th>
              <td>{expectedText(rule)}</td>
              <td><Verdict rule={rule} /></td>
              {fixed && <td><Verdict rule={fixedRule(rule.id)} /></td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
