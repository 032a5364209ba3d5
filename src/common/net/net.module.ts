import { Module } from '@nestjs/common';
import { OutboundHttp } from './outbound-http';
import { UrlGuard } from './url-guard';

/** Calling URLs that customers give us (webhooks, source images) without reaching private networks. */
@Module({ providers: [UrlGuard, OutboundHttp], exports: [UrlGuard, OutboundHttp] })
export class NetModule {}
