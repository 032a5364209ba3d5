import { Module } from '@nestjs/common';
import { OrgDirectory } from './org-directory';
import { OrgsRepository } from './orgs.repository';

/**
 * The tenancy kernel every domain builds on: organisations, who belongs to them in which role, and
 * the cached lookups of both. Its other files are types and decorators that need no provider.
 */
@Module({ providers: [OrgsRepository, OrgDirectory], exports: [OrgsRepository, OrgDirectory] })
export class TenancyModule {}
