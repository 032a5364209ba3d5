/** pg converts bound values with this (dates, JSON, arrays, booleans); its package types leave it out. */
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
