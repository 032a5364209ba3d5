import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FileStore } from './file-store';
import { LocalDiskStorage } from './local-disk.storage';
import { S3Storage } from './s3.storage';
import { STORAGE_DRIVER } from './storage-driver';

/** Encrypted file storage on local disk or S3, for images and the jobs that make them. */
@Module({
  providers: [
    { provide: STORAGE_DRIVER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => (config.storage.driver === 's3' ? new S3Storage(config.storage.s3) : new LocalDiskStorage(config.dataDir)) },
    FileStore,
  ],
  exports: [FileStore],
})
export class StorageModule {}
