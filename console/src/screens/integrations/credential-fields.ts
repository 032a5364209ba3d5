/**
 * How the connect form treats a channel's credential fields. GET /api/v1/channels names the fields
 * but not their types, so the form goes by the names: secrets are masked, and a field named as a
 * list of ids (Amazon's `marketplaceIds`) takes several values separated by commas.
 */
const SECRET = /token|secret|password|key/i;
const LIST = /Ids$/;

export const isSecretField = (field: string) => SECRET.test(field);
export const isListField = (field: string) => LIST.test(field);

/** The credentials object to send: empty fields left out (the API says which it needs), lists split. */
export function credentialsBody(fields: string[], values: Record<string, string>): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {};
  for (const field of fields) {
    const value = (values[field] ?? '').trim();
    if (!value) continue;
    body[field] = isListField(field) ? value.split(/[\s,]+/).filter(Boolean) : value;
  }
  return body;
}
