import { useQuery } from '@tanstack/preact-query';
import { publicApi } from './client';

/** The parts of an OpenAPI 3 document the console reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

export interface OpenApiSchema {
  type?: string;
  enum?: string[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  description?: string;
  $ref?: string;
  [key: string]: unknown;
}

/** This server's OpenAPI document (GET /api/v1/openapi), read once per page load, when a screen first needs it. */
export function useOpenApi() {
  return useQuery({ queryKey: ['openapi'], queryFn: () => publicApi<OpenApiDocument>('/api/v1/openapi'), staleTime: Infinity });
}

/** The values a schema's property allows (its enum, or its items' enum for an array). */
export function enumOf(doc: OpenApiDocument, schema: string, property: string): string[] {
  const prop = doc.components?.schemas?.[schema]?.properties?.[property];
  return prop?.enum ?? prop?.items?.enum ?? [];
}
