/**
 * Tessera's own OpenAPI document, read from a running gateway (`GET /admin/openapi.json`) and
 * compiled with Ajv, so tests check answers against the schemas the routes declare (Hydra's,
 * http-gateway/openapi/hydra-schemas.ts) without reading anything outside the repository.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { request } from 'undici';

export interface ApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

export interface ApiSchemas {
  document: ApiDocument;
  /** The compiled component schema `name` (oAuth2Client, errorOAuth2, …). */
  schema(name: string): ValidateFunction;
  /** Ajv's text for the last failed validation of `validate`. */
  errorsText(validate: ValidateFunction): string;
}

/** Fetches the document from the admin listener at `adminUrl`. */
export async function fetchApiDocument(adminUrl: string): Promise<ApiDocument> {
  const res = await request(new URL('/admin/openapi.json', adminUrl));
  if (res.statusCode !== 200) throw new Error(`GET /admin/openapi.json answered ${res.statusCode}: ${await res.body.text()}`);
  return (await res.body.json()) as ApiDocument;
}

/** Compiles the document of the gateway at `adminUrl`. */
export async function loadApiSchemas(adminUrl: string): Promise<ApiSchemas> {
  const document = await fetchApiDocument(adminUrl);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // Go-isms in Hydra's schemas that carry no constraint for JSON.
  for (const format of ['int64', 'int32', 'uuid4']) ajv.addFormat(format, true);
  ajv.addSchema(document, 'tessera');
  return {
    document,
    schema(name) {
      const validate = ajv.getSchema(`tessera#/components/schemas/${name}`);
      if (!validate) throw new Error(`Tessera's OpenAPI document has no schema ${name}`);
      return validate;
    },
    errorsText: (validate) => ajv.errorsText(validate.errors),
  };
}
