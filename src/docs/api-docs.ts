import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { convert } from 'openapi-to-postmanv2';

/** Holds the OpenAPI document built at start and the Postman collection derived from it on demand. */
@Injectable()
export class ApiDocs {
  private document?: OpenAPIObject;
  private postman?: Promise<object>;

  set(document: OpenAPIObject): void {
    this.document = document;
    this.postman = undefined;
  }

  openapi(): OpenAPIObject {
    if (!this.document) throw new Error('OpenAPI document not built yet');
    return this.document;
  }

  postmanCollection(): Promise<object> {
    this.postman ??= new Promise((resolve, reject) => {
      convert({ type: 'json', data: this.openapi() }, { folderStrategy: 'Tags', requestParametersResolution: 'Example' }, (err: Error | null, result: { result: boolean; reason?: string; output?: { data: object }[] }) => {
        if (err || !result.result || !result.output?.[0]) return reject(err ?? new Error(result.reason));
        resolve(result.output[0].data);
      });
    });
    return this.postman;
  }
}
