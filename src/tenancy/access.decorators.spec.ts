import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { OrgId } from './access.decorators';
import type { RequestAuth } from './principal';

/** The function Nest calls to resolve a parameter decorated with `decorator`. */
function resolverOf(decorator: () => ParameterDecorator): (data: unknown, ctx: ExecutionContext) => unknown {
  class Probe {
    route(@decorator() _value: unknown): void {}
  }
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'route') as Record<string, { factory: (data: unknown, ctx: ExecutionContext) => unknown }>;
  return Object.values(args)[0].factory;
}

const contextWith = (auth: Partial<RequestAuth> | undefined) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ auth }) }) }) as unknown as ExecutionContext;

describe('@OrgId()', () => {
  const resolve = resolverOf(OrgId);

  it('gives the organisation the guards put the caller in', () => {
    expect(resolve(undefined, contextWith({ orgId: 'org-1' }))).toBe('org-1');
  });

  it('fails loudly, as a bug, on a route whose access puts the caller in no organisation', () => {
    expect(() => resolve(undefined, contextWith({ orgId: null }))).toThrow('puts the caller in none');
    expect(() => resolve(undefined, contextWith(undefined))).toThrow('puts the caller in none');
  });
});
