import { Type } from '@mikro-orm/core';

/**
 * JSON kept in a plain text column on every dialect (not jsonb / JSON), so the three
 * migrations stay alike and nothing is re-ordered or re-spaced by the database.
 */
export class JsonTextType extends Type<unknown, string | null> {
  override convertToDatabaseValue(value: unknown): string | null {
    return value === null || value === undefined ? null : JSON.stringify(value);
  }

  override convertToJSValue(value: string | null): unknown {
    return value === null || value === undefined ? null : (JSON.parse(value) as unknown);
  }

  override getColumnType(): string {
    return 'text';
  }

  override compareAsType(): string {
    return 'string';
  }
}
