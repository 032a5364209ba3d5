import { PROVIDER_OPERATIONS, type ProviderModel, type ProviderOperation } from './provider-models';
import { OPERATION_METHODS } from './provider-operations';
import { PROVIDER_SDK_VERSION, type ProviderPlugin, type ProviderPluginMetadata } from './provider-plugin';

export const PLUGIN_ID = /^[a-z][a-z0-9-]{0,31}$/;
const SIZE = /^[1-9]\d{0,4}x[1-9]\d{0,4}$/;
const FORMATS = ['png', 'jpeg', 'webp', 'avif'];

/** The operations a plugin's models declare, in the SDK's order. */
export function declaredOperations(metadata: Pick<ProviderPluginMetadata, 'models'>): ProviderOperation[] {
  return PROVIDER_OPERATIONS.filter((op) => metadata.models.some((m) => m.operations.includes(op)));
}

/**
 * Everything wrong with a plugin's metadata and with an instance of it, as sentences: the registry
 * refuses to start on any, and the contract suite fails on any. Each declared operation needs its
 * method (or the plugin's `submit` and `poll`), and each operation method needs a model declaring it.
 */
export function providerPluginProblems(metadata: ProviderPluginMetadata, plugin: ProviderPlugin): string[] {
  const problems: string[] = [];
  const about = `provider plugin "${metadata.id}"`;
  if (!PLUGIN_ID.test(metadata.id)) problems.push(`${about}: the id must be lower-case letters, digits and dashes, at most 32`);
  if (metadata.sdkVersion !== PROVIDER_SDK_VERSION) problems.push(`${about} is built for SDK version ${metadata.sdkVersion}; this core speaks version ${PROVIDER_SDK_VERSION}`);
  if (!metadata.models.length) problems.push(`${about} declares no model`);
  const seen = new Set<string>();
  for (const model of metadata.models) {
    if (seen.has(model.id)) problems.push(`${about} declares the model "${model.id}" twice`);
    seen.add(model.id);
    problems.push(...modelProblems(model).map((p) => `${about}, model "${model.id}": ${p}`));
  }
  const has = (method: string) => typeof (plugin as Record<string, unknown>)[method] === 'function';
  const remote = has('submit') && has('poll');
  if (has('submit') !== has('poll')) problems.push(`${about} has ${has('submit') ? 'submit without poll' : 'poll without submit'}: slow backends need both`);
  const declared = declaredOperations(metadata);
  for (const op of PROVIDER_OPERATIONS) {
    const method = OPERATION_METHODS[op];
    if (declared.includes(op) && !has(method) && !remote) problems.push(`${about} declares the operation "${op}" but has no ${method}() method (nor submit and poll)`);
    if (!declared.includes(op) && has(method)) problems.push(`${about} has a ${method}() method, but no model declares the operation "${op}"`);
  }
  return problems;
}

function modelProblems(model: ProviderModel): string[] {
  const problems: string[] = [];
  if (!model.operations.length) problems.push('declares no operation');
  const unknown = model.operations.filter((op) => !PROVIDER_OPERATIONS.includes(op));
  if (unknown.length) problems.push(`unknown operation(s) ${unknown.join(', ')}; the SDK knows ${PROVIDER_OPERATIONS.join(', ')}`);
  if (!model.formats.length || model.formats.some((f) => !FORMATS.includes(f))) problems.push(`formats must be some of ${FORMATS.join(', ')}`);
  if (!Number.isInteger(model.maxImagesPerCall) || model.maxImagesPerCall < 1) problems.push('maxImagesPerCall must be a whole number of at least 1');
  if (typeof model.price !== 'function') problems.push('has no price(quote) function');
  const { durations } = model;
  if (durations && (!durations.seconds.length || durations.seconds.some((s) => !Number.isInteger(s) || s < 1) || !durations.seconds.includes(durations.default))) {
    problems.push('durations must list whole seconds of at least 1, the default among them');
  }
  const { sizes } = model;
  if (Array.isArray(sizes)) {
    if (!sizes.length || sizes.some((s) => !SIZE.test(s))) problems.push('sizes must list WIDTHxHEIGHT values');
  } else if (!(sizes.minWidth >= 1 && sizes.minWidth <= sizes.maxWidth && sizes.minHeight >= 1 && sizes.minHeight <= sizes.maxHeight)) {
    problems.push('size constraints must have 1 <= min <= max for width and height');
  }
  return problems;
}
