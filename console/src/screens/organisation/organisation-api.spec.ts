import { describe, expect, it } from 'vitest';
import { canManageMember, grantableRoles, memberLabel, type Member } from './organisation-api';

const member = (role: Member['role']): Member => ({ userId: `u-${role}`, email: `${role}@example.com`, name: `The ${role}`, role, joinedAt: '2026-11-24T02:05:51.700Z' });

describe('who may give which role (the API refuses the rest with insufficient_role)', () => {
  it('only an owner hands out ownership', () => {
    expect(grantableRoles('owner')).toEqual(['owner', 'admin', 'developer', 'viewer']);
    expect(grantableRoles('admin')).toEqual(['admin', 'developer', 'viewer']);
  });

  it('only an owner changes or removes an owner', () => {
    expect(canManageMember('owner', member('owner'))).toBe(true);
    expect(canManageMember('admin', member('owner'))).toBe(false);
    expect(canManageMember('admin', member('developer'))).toBe(true);
  });
});

describe('memberLabel', () => {
  it('names a member by name and email, and anyone else (a former member, an API key) by id', () => {
    expect(memberLabel([member('admin')], 'u-admin')).toBe('The admin <admin@example.com>');
    expect(memberLabel([member('admin')], 'key-1')).toBe('key-1');
    expect(memberLabel(undefined, 'u-admin')).toBe('u-admin');
  });
});
