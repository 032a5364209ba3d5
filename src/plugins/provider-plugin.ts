import { SetMetadata } from '@nestjs/common';
import type { ProviderCallContext } from './provider-context';
import type { ProviderModel } from './provider-models';
import type { BackgroundRemover, ImageEditor, ImageGenerator, RemoteWork, Upscaler, VideoGenerator } from './provider-operations';

/**
 * The contract of a generation backend. A provider plugin is a folder, plugins/providers/<id>, whose
 * index default-exports one class carrying `@ProviderPlugin({...})`. The core makes one instance per
 * configured id (`plugins.providers: [{ id, use: <folder>, options }]`), passing that entry's
 * options to the constructor, so one class can back several ids. It imports nothing from the core
 * but this SDK (src/plugins).
 */

/** The contract version this core speaks; a plugin built for another is refused at start. */
export const PROVIDER_SDK_VERSION = 1;

export interface ProviderPluginMetadata {
  /** The plugin's folder name: plugins/providers/<id>. */
  id: string;
  sdkVersion: number;
  name: string;
  description: string;
  /** The first is the default model of an instance. */
  models: ProviderModel[];
  /** Whether an organisation may bring its own key. */
  byok: boolean;
  /**
   * The credential fields, as a class-validator DTO class: checked against the instance's configured
   * `credentials` at start, and (later) against an organisation's own key when it is saved.
   */
  credentials?: new () => object;
  /**
   * What a request may pass it under `providerOptions.<id>` (OpenAI's `background`, say), as a
   * class-validator DTO class: the core refuses a request whose options do not pass, before it is
   * charged, and hands those that do to the call as `input.options`. Absent: it takes none.
   */
  requestOptions?: new () => object;
}

export interface ProviderHealth {
  ok: boolean;
  detail?: string;
}

/** A plugin instance: the operation methods its models declare (or `submit` and `poll`), and an optional health check. */
export type ProviderPlugin = Partial<ImageGenerator & ImageEditor & Upscaler & BackgroundRemover & VideoGenerator & RemoteWork> & {
  /** Absent: always healthy. Called with the platform's credentials, at most every 30 seconds. */
  health?(ctx: ProviderCallContext): Promise<ProviderHealth>;
};

/** The class a plugin folder exports: one instance per configured id, made from that id's options. */
export interface ProviderPluginClass {
  new (options: Record<string, unknown>): ProviderPlugin;
  /** Every problem with an instance's options, as sentences (empty when they are fine); see `optionProblems`. */
  validateOptions?(options: Record<string, unknown>): string[];
  /**
   * The models of one configured id, from its (valid) options, where they are configuration rather
   * than code (providers retire model ids): they replace the metadata's `models`, which stay the
   * models of an id configured without options. Absent: every id has the metadata's models.
   */
  modelsFor?(options: Record<string, unknown>): ProviderModel[];
}

export const PROVIDER_PLUGIN = 'darkroom:provider-plugin';

/** Marks the class a provider folder exports; the loader reads it at start-up. */
export const ProviderPlugin = (metadata: ProviderPluginMetadata): ClassDecorator => SetMetadata(PROVIDER_PLUGIN, metadata);

/** The metadata of a decorated class, or undefined. */
export function providerMetadataOf(target: unknown): ProviderPluginMetadata | undefined {
  return typeof target === 'function' ? (Reflect.getMetadata(PROVIDER_PLUGIN, target) as ProviderPluginMetadata | undefined) : undefined;
}

/** A configured id's metadata: the class's, with the models its options name (`modelsFor`). */
export function instanceMetadata(plugin: ProviderPluginClass, metadata: ProviderPluginMetadata, options: Record<string, unknown>): ProviderPluginMetadata {
  return plugin.modelsFor ? { ...metadata, models: plugin.modelsFor(options) } : metadata;
}
