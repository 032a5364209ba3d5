/**
 * What is shown of a stored credential: the last four characters of each string field, enough to
 * tell two keys apart and never enough to use one. Empty and non-string fields are left out.
 */
export function credentialHint(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'string' && v.length > 0).map(([k, v]) => [k, `…${(v as string).slice(-4)}`]));
}
