import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { StorageModule } from '../storage/storage.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { LibraryAdminController } from './library-admin.controller';
import { LibraryMatcher } from './library-matcher';
import { LibraryController } from './library.controller';
import { LibraryRepository } from './library.repository';
import { LibraryService } from './library.service';

/** The asset library: search, promotion from the gallery, operators' ingest, and the matcher library-first generation asks. */
@Module({
  imports: [TenancyModule, StorageModule, AuditModule],
  controllers: [LibraryController, LibraryAdminController],
  providers: [LibraryService, LibraryRepository, LibraryMatcher],
  exports: [LibraryMatcher],
})
export class LibraryModule {}
