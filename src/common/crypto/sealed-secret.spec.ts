import { describe, expect, it } from 'vitest';
import { SealedSecret } from './sealed-secret';

describe('SealedSecret', () => {
  it('is in force alone until rotated', () => {
    expect(SealedSecret.of('one').inForce()).toEqual(['one']);
  });

  it('keeps the replaced secret in force, after the new one, until its grace ends', () => {
    const until = new Date('2030-01-02T00:00:00Z');
    const rotated = SealedSecret.of('one').rotated('two', until);
    expect(rotated).toMatchObject({ sealed: 'two', previous: 'one', previousUntil: until });
    expect(rotated.inForce(new Date('2030-01-01T23:59:59Z'))).toEqual(['two', 'one']);
    expect(rotated.inForce(until)).toEqual(['two']);
  });

  it('a second rotation drops the oldest secret', () => {
    const twice = SealedSecret.of('one').rotated('two', new Date('2030-01-02')).rotated('three', new Date('2030-01-03'));
    expect(twice.inForce(new Date('2030-01-01'))).toEqual(['three', 'two']);
  });
});
