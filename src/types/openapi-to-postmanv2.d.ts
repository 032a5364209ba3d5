declare module 'openapi-to-postmanv2' {
  export function convert(
    input: { type: 'json' | 'string'; data: unknown },
    options: Record<string, unknown>,
    callback: (err: Error | null, result: { result: boolean; reason?: string; output?: { type: string; data: object }[] }) => void,
  ): void;
}
