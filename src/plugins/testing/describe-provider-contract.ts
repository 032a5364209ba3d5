import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionProblems } from '../plugin-options';
import { providerPluginProblems } from '../provider-checks';
import type { ProviderCallContext } from '../provider-context';
import { PROVIDER_ERROR_KINDS, ProviderError, type ProviderErrorKind } from '../provider-error';
import { smallestSize, type ProviderModel, type ProviderOperation } from '../provider-models';
import { OPERATION_METHODS, type ImageOutput, type ProviderOutput, type ProviderRequest } from '../provider-operations';
import { instanceMetadata, providerMetadataOf, type ProviderPlugin, type ProviderPluginClass } from '../provider-plugin';
import { providerTestContext } from './test-context';

/** A plugin's fake of its remote API (its fake.ts), usually built on startFakeServer. */
export interface ProviderFake {
  /** Handed to the plugin as its `baseUrl` option. */
  url: string;
  /**
   * Makes the next request fail as the real API fails for this kind of error; false when the API
   * has no such failure (the suite then skips that kind).
   */
  failNext?(kind: ProviderErrorKind): boolean;
  close(): Promise<void>;
}

export interface ProviderContractOptions {
  /** The class the plugin folder default-exports. */
  plugin: ProviderPluginClass;
  /** An id's options; with a fake, `baseUrl` is set to the fake's URL. */
  options?: Record<string, unknown>;
  /** The platform's credentials, for plugins that declare some. */
  credentials?: Record<string, string>;
  /** Plugins that call HTTP: starts their fake, once for the suite. */
  fake?: () => Promise<ProviderFake>;
  /** How long one call may take, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /**
   * By model id, what a request passes it under `providerOptions.<id>` in these calls: for models
   * that cannot run without (Stability's search-and-replace must be told what to find). Checked
   * against the plugin's `requestOptions` as the core checks a request's.
   */
  requestOptions?: Record<string, Record<string, unknown>>;
}

/**
 * The conformance suite every provider plugin's spec runs: `describeProviderContract('aura', { plugin: AuraProvider })`.
 * It checks the metadata and the methods agree, options pass, prices are positive whole numbers,
 * every declared operation of every model answers a tiny input in a declared format and the asked
 * size, a cancelled call rejects, and failures are ProviderErrors of the right kind.
 */
export function describeProviderContract(name: string, contract: ProviderContractOptions): void {
  const declared = providerMetadataOf(contract.plugin);
  // The models of the id the suite configures (modelsFor), as the registry lists them.
  const metadata = declared && instanceMetadata(contract.plugin, declared, contract.options ?? {});
  const timeout = contract.timeoutMs ?? 30_000;
  let fake: ProviderFake | undefined;
  let plugin: ProviderPlugin;
  const options = () => ({ ...contract.options, ...(fake ? { baseUrl: fake.url } : {}) });
  const ctx = (signal?: AbortSignal) =>
    providerTestContext({ signal, credentials: contract.credentials ? { owner: 'platform', values: contract.credentials } : undefined });

  describe(`provider contract: ${name}`, () => {
    beforeAll(async () => {
      fake = await contract.fake?.();
      plugin = new contract.plugin(options());
    });
    afterAll(() => fake?.close());

    it('is marked @ProviderPlugin, and its models, operations and methods agree', () => {
      expect(metadata, 'the class carries @ProviderPlugin({...})').toBeDefined();
      expect(providerPluginProblems(metadata!, plugin)).toEqual([]);
    });

    it('declares requestOptions for the request options it is given, and they pass', () => {
      for (const options of Object.values(contract.requestOptions ?? {})) {
        expect(metadata!.requestOptions, 'requestOptions are given, so the plugin declares a requestOptions DTO').toBeDefined();
        expect(optionProblems(metadata!.requestOptions!, options)).toEqual([]);
      }
    });

    it('accepts the options it is given', () => {
      if (contract.plugin.validateOptions) expect(contract.plugin.validateOptions(options())).toEqual([]);
      else expect(Object.keys(options()), 'a plugin without validateOptions takes no options').toEqual([]);
    });

    for (const model of metadata?.models ?? []) {
      for (const operation of model.operations) {
        it(`${model.id}: quotes a whole, positive price for ${operation}`, () => {
          const price = model.price({ operation, model: model.id, n: 1, ...smallestSize(model.sizes), format: model.formats[0], durationSeconds: 1 });
          expect(Number.isInteger(price) && price > 0, `price ${price}`).toBe(true);
          const listed = model.providerPrice?.({ operation, model: model.id, n: 1, ...smallestSize(model.sizes), format: model.formats[0], durationSeconds: 1 });
          if (listed) expect(Number.isFinite(listed.amount) && listed.amount >= 0 && listed.currency.length > 0, `provider price ${JSON.stringify(listed)}`).toBe(true);
        });

        it(`${model.id}: ${operation} answers a tiny input in a declared format and the asked size`, async () => {
          const request = await tinyRequest(model, operation, contract.requestOptions?.[model.id]);
          const outputs = await call(plugin, request, ctx());
          expect(outputs).toHaveLength(1);
          if (operation !== 'video') await expectImage(outputs[0] as ImageOutput, model, request);
          else expect('url' in outputs[0] || 'stream' in outputs[0]).toBe(true);
        }, timeout);
      }
    }

    it('rejects a call whose signal has aborted, and one aborted while it runs', async () => {
      const model = metadata!.models[0];
      const request = await tinyRequest(model, model.operations[0]);
      await expect(call(plugin, request, ctx(AbortSignal.abort()))).rejects.toBeDefined();
      const controller = new AbortController();
      const running = call(plugin, request, ctx(controller.signal));
      controller.abort();
      await expect(running).rejects.toBeDefined();
    }, timeout);

    for (const model of metadata?.models.filter((m) => m.operations.includes('edit') && (m.mask || (m.maxSourceImages ?? 1) > 1)) ?? []) {
      it(`${model.id}: edits as many sources as it declares (${model.maxSourceImages ?? 1})${model.mask ? ', under a mask' : ''}`, async () => {
        const request = (await tinyRequest(model, 'edit', contract.requestOptions?.[model.id])) as Extract<ProviderRequest, { operation: 'edit' }>;
        const images = Array.from({ length: model.maxSourceImages ?? 1 }, () => request.input.images[0]);
        const mask = model.mask ? { data: await leftHalfMask(64, 64), mimeType: 'image/png' } : undefined;
        const asked: ProviderRequest = { operation: 'edit', input: { ...request.input, images, ...(mask ? { mask } : {}) } };
        const outputs = await call(plugin, asked, ctx());
        expect(outputs).toHaveLength(1);
        await expectImage(outputs[0] as ImageOutput, model, asked);
      }, timeout);
    }

    const editor = metadata?.models.find((m) => m.operations.includes('edit'));
    if (editor) {
      it('refuses an edit without a source image with ProviderError invalid_input', async () => {
        const request = (await tinyRequest(editor, 'edit')) as Extract<ProviderRequest, { operation: 'edit' }>;
        const failure = await call(plugin, { operation: 'edit', input: { ...request.input, images: [] } }, ctx()).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(ProviderError);
        expect((failure as ProviderError).kind).toBe('invalid_input');
      }, timeout);
    }

    for (const kind of contract.fake ? PROVIDER_ERROR_KINDS : []) {
      it(`reports the remote API's ${kind} failure as ProviderError ${kind}`, async (test) => {
        if (!fake?.failNext?.(kind)) return test.skip();
        const model = metadata!.models[0];
        const failure = await call(plugin, await tinyRequest(model, model.operations[0]), ctx()).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(ProviderError);
        expect((failure as ProviderError).kind).toBe(kind);
        if (kind === 'rate_limited') expect((failure as ProviderError).retryAfterMs).toEqual(expect.any(Number));
      }, timeout);
    }

    it('passes its own health check', async () => {
      if (plugin.health) expect((await plugin.health(ctx())).ok).toBe(true);
    }, timeout);
  });
}

/** Calls an operation as the core does: its method, or submit then poll until done. */
async function call(plugin: ProviderPlugin, request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderOutput[]> {
  if (plugin.submit && plugin.poll) {
    const { remoteId } = await plugin.submit(request, ctx);
    for (;;) {
      const state = await plugin.poll(remoteId, ctx);
      if (state.status === 'done') return state.outputs;
      if (state.status === 'failed') throw state.error;
      await new Promise((r) => setTimeout(r, Math.min(state.retryAfterMs ?? 10, 50)));
      ctx.signal.throwIfAborted();
    }
  }
  const method = plugin[OPERATION_METHODS[request.operation]] as (input: unknown, ctx: ProviderCallContext) => Promise<ProviderOutput[]>;
  return method.call(plugin, request.input, ctx);
}

/** A mask as the SDK defines it: its left half fully transparent (to change), its right half opaque (kept). */
async function leftHalfMask(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) pixels[i * 4 + 3] = i % width < width / 2 ? 0 : 255;
  return sharp(pixels, { raw: { width, height, channels: 4 } }).png().toBuffer();
}

async function tinyRequest(model: ProviderModel, operation: ProviderOperation, options?: Record<string, unknown>): Promise<ProviderRequest> {
  const { width, height } = smallestSize(model.sizes);
  const format = model.formats[0];
  const image = { data: await sharp({ create: { width: 64, height: 64, channels: 3, background: '#7a9cc6' } }).png().toBuffer(), mimeType: 'image/png' };
  const base = { model: model.id, prompt: 'a small blue square', width, height, format, n: 1, seed: 7, ...(options ? { options } : {}) };
  switch (operation) {
    case 'generate':
      return { operation, input: base };
    case 'edit':
      return { operation, input: { ...base, images: [image] } };
    case 'upscale':
      return { operation, input: { model: model.id, image, width, height, format } };
    case 'removeBackground':
      return { operation, input: { model: model.id, image, format } };
    case 'video':
      return { operation, input: { model: model.id, prompt: base.prompt, width, height, durationSeconds: 1, seed: 7, ...(options ? { options } : {}) } };
  }
}

async function expectImage(output: ImageOutput, model: ProviderModel, request: ProviderRequest): Promise<void> {
  const data = 'data' in output ? output.data : Buffer.from(await (await fetch(output.url)).arrayBuffer());
  const meta = await sharp(data).metadata();
  const format = meta.format === 'heif' ? 'avif' : meta.format;
  const asked = request.input as { format: string; width?: number; height?: number };
  expect(model.formats).toContain(format);
  expect(format).toBe(asked.format);
  if (request.operation !== 'removeBackground') expect({ width: meta.width, height: meta.height }).toEqual({ width: asked.width, height: asked.height });
  if ('data' in output) expect({ format: output.format, width: output.width, height: output.height }).toEqual({ format, width: meta.width, height: meta.height });
}
