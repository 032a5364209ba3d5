import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';

/**
 * The contract of a generation backend. A provider plugin is a Nest provider class carrying
 * `@ProviderPlugin({...})` and implementing `ProviderPlugin`; it imports nothing from the core but
 * this SDK (src/plugins).
 */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'avif';
export type ProviderOperation = 'generate' | 'edit' | 'upscale' | 'removeBackground' | 'video';

export interface ProviderModel {
  id: string;
  name: string;
  description: string;
}

export interface ProviderPluginMetadata {
  id: string;
  name: string;
  description: string;
  /** Operations the plugin implements; `generate` and `edit` at least. */
  operations: ProviderOperation[];
  models: ProviderModel[];
  /** Sizes it renders, as WIDTHxHEIGHT. */
  sizes: string[];
  styles: string[];
  formats: ImageFormat[];
  /** Credits per output image, by operation. */
  pricing: Partial<Record<ProviderOperation, number>>;
  /** Whether an organisation may bring its own key for it. */
  byok: boolean;
}

export interface GenerateInput {
  model: string;
  prompt: string;
  negativePrompt?: string;
  style?: string;
  width: number;
  height: number;
  format: ImageFormat;
  /** How many images; each gets seed, seed + 1, ... */
  n: number;
  seed: number;
}

export interface SourceImage {
  data: Buffer;
  mimeType: string;
}

export interface EditInput extends GenerateInput {
  images: SourceImage[];
}

export interface RenderedImage {
  data: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  seed: number;
}

/** What the core hands a plugin with each call. */
export interface ProviderCallContext {
  /** The organisation's own key, when BYOK is in use. */
  credentials?: Record<string, string>;
  /**
   * Aborts when the job is cancelled. Pass it to outgoing requests (fetch takes it) and check it
   * between steps; reject with its reason as soon as it fires, whatever work is still in flight.
   */
  signal?: AbortSignal;
}

export interface ProviderHealth {
  ok: boolean;
  detail?: string;
}

export interface ProviderPlugin {
  generate(input: GenerateInput, ctx: ProviderCallContext): Promise<RenderedImage[]>;
  edit(input: EditInput, ctx: ProviderCallContext): Promise<RenderedImage[]>;
  health(): Promise<ProviderHealth>;
}

export const PROVIDER_PLUGIN = 'darkroom:provider-plugin';

/** Marks a class as a generation backend; the registry finds it at start-up. */
export const ProviderPlugin = (metadata: ProviderPluginMetadata) => applyDecorators(Injectable(), SetMetadata(PROVIDER_PLUGIN, metadata));
